/**
 * The diif API: upscale and render images with DIIF/LIIF models ({@link io.diif}), and the service-provider
 * interface that backends implement ({@link io.diif.spi}, {@link io.diif.spi.support}, {@link io.diif.graph},
 * {@link io.diif.model}).
 *
 * <p>Backends are found with {@link java.util.ServiceLoader}: put one backend module on the module path (or
 * its jar on the class path) and {@link io.diif.Diif} uses it. The default model is read from the
 * {@code io.diif.models.defaults} module when it is in the module graph.
 *
 * @uses io.diif.spi.BackendProvider
 */
module io.diif {
    // BufferedImage is in the public API, so users read java.desktop through this module.
    requires transitive java.desktop;
    requires org.slf4j;

    exports io.diif;
    exports io.diif.spi;
    exports io.diif.spi.support;
    exports io.diif.graph;
    exports io.diif.model;

    // Internals our own modules share; not part of the API and not visible to anyone else.
    exports io.diif.internal.architecture to io.diif.backend.onnx;
    exports io.diif.internal.backends to io.diif.examples, io.diif.tck;
    exports io.diif.internal.imaging to io.diif.examples, io.diif.server, io.diif.spark;
    exports io.diif.internal.output to io.diif.backend.onnx, io.diif.examples, io.diif.spark, io.diif.tck;

    uses io.diif.spi.BackendProvider;
}
