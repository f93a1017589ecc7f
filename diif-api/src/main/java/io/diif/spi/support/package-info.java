/**
 * Helpers for backend authors: {@link io.diif.spi.Rows} implementations ({@link io.diif.spi.support.HeapRows}
 * on the heap, {@link io.diif.spi.support.FloatBufferRows} over a buffer an engine reads in place, both on
 * {@link io.diif.spi.support.AbstractRows}), a slot that keeps one engine buffer between runs
 * ({@link io.diif.spi.support.ReuseSlot}), and the rule for which layers run in a reduced precision
 * ({@link io.diif.spi.support.ReducedLayers}).
 */
package io.diif.spi.support;
