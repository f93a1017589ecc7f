/**
 * The trained default model, the resource {@code io/diif/models/default.safetensors} that
 * {@code io.diif.Diif.defaultModel()} reads. The module has no code: require it (or add it with
 * {@code --add-modules io.diif.models.defaults}) so that it is in the module graph.
 */
module io.diif.models.defaults {
    // Opened to everyone so that class loaders find the resource by name, as on the class path. The package
    // holds only the model file, so javac warns that it is empty; the jar's package list includes it.
    opens io.diif.models;
}
