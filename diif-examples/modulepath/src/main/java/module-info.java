/**
 * A modular application that upscales an image through the public diif API only. Run with the API, one
 * backend, the default model and SLF4J on the module path:
 *
 * <pre>
 * java --module-path APP.jar:DEPENDENCIES \
 *     --module io.diif.examples.modulepath/io.diif.examples.modulepath.ModulePathUpscale IN.png OUT.png SCALE
 * </pre>
 */
module io.diif.examples.modulepath {
    requires io.diif;
    // Holds the default model's resource and no code, so nothing would resolve it otherwise.
    requires io.diif.models.defaults;
}
