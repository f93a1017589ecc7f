/**
 * The backend service-provider interface. A backend module implements {@link io.diif.spi.BackendProvider}
 * (registered for {@link java.util.ServiceLoader}), {@link io.diif.spi.Backend} and
 * {@link io.diif.spi.Executable}: it compiles the engine-neutral {@link io.diif.graph.Graph}s of the core
 * and runs them on float arrays, or on {@link io.diif.spi.Rows} that an engine may keep in its own
 * memory so the core writes its largest inputs where the engine reads them. {@link io.diif.internal.backends.Backends}
 * finds and selects backends.
 */
package io.diif.spi;

import io.diif.internal.backends.Backends;
