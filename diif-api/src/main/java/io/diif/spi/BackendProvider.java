package io.diif.spi;

import java.util.Optional;

/**
 * The cheap, always-loadable entry of a backend, found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations are listed in {@code META-INF/services/io.diif.spi.BackendProvider}. Discovery
 * calls {@link #name()}, {@link #priority()} and {@link #unavailableReason()} only; it must not load
 * native code. The heavy {@link Backend} is made by {@link #create()} on first use.
 */
public interface BackendProvider {

    /** Lower-case name users select it by: {@code pytorch}, {@code onnx}, {@code tensorflow}, {@code java}. */
    String name();

    /**
     * Higher wins when nobody names a backend. The shipped backends rank by their measured speed on a CPU
     * (docs/performance.md): onnx 100, tensorflow 90, pytorch 80, the pure-Java java 10.
     */
    int priority();

    /**
     * Empty when this backend can run here; otherwise why not (missing natives, wrong platform), so the
     * selection error can say it.
     */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** Creates the backend; may load native libraries. Called at most once per process by the registry. */
    Backend create();
}
