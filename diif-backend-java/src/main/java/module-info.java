/**
 * The pure-Java diif backend: runs the networks on the JVM alone, no native code.
 *
 * @provides io.diif.spi.BackendProvider as {@code java}
 */
module io.diif.backend.java {
    requires io.diif;

    provides io.diif.spi.BackendProvider with io.diif.backend.java.JavaBackendProvider;
}
