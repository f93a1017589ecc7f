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

    /**
     * The name users select the backend by.
     *
     * @return a lower-case name: {@code pytorch}, {@code onnx}, {@code tensorflow}, {@code java}
     */
    String name();

    /**
     * The rank of this backend when nobody names one: higher wins. The shipped backends rank by their
     * speed on a CPU (docs/performance.md): onnx 100, tensorflow 90, pytorch 80, the pure-Java java 10.
     *
     * @return the rank
     */
    int priority();

    /**
     * Checks, without loading native code, whether this backend can run here.
     *
     * @return empty when it can; otherwise why not (missing natives, wrong platform), so the selection
     *     error can say it
     */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /**
     * Creates the backend; may load native libraries. Called at most once per process by the registry.
     *
     * @return the backend
     * @throws RuntimeException (or a {@link LinkageError}) if the engine cannot start, e.g. its native
     *     library fails to load; the message says why
     */
    Backend create();
}
