/**
 * The diif image server: a IIIF Image API endpoint and a deep-zoom viewer over a model, on Jetty
 * ({@link io.diif.server.DiifServer}, {@link io.diif.server.ServerConfig}).
 */
module io.diif.server {
    requires transitive io.diif;
    requires org.slf4j;
    requires org.eclipse.jetty.server;

    exports io.diif.server;
}
