/**
 * The backend service-provider interface. A backend module implements {@link io.diif.spi.BackendProvider}
 * (registered for {@link java.util.ServiceLoader}: {@code provides} in its module descriptor and a
 * {@code META-INF/services} entry for the class path), {@link io.diif.spi.Backend} and
 * {@link io.diif.spi.Executable}: it compiles the engine-neutral {@link io.diif.graph.Graph}s of the core
 * and runs them on float arrays, or on {@link io.diif.spi.Rows} that an engine may keep in its own memory
 * so the core writes its largest inputs where the engine reads them.
 *
 * <p>The API finds the providers and picks one: the name passed to
 * {@link io.diif.DiifModel.Builder#backend(String)}, else the system property {@code diif.backend}, else
 * the environment variable {@code DIIF_BACKEND}, else the available provider of highest
 * {@link io.diif.spi.BackendProvider#priority()}. {@code io.diif.tck.BackendCompatibilityKit} (artifact
 * diif-tck) is the test every backend passes.
 */
package io.diif.spi;
