/**
 * The engine-neutral network description backends compile: a {@link io.diif.graph.Graph} of a handful of
 * operations ({@link io.diif.graph.Node}) over named float32 weights ({@link io.diif.graph.Parameter}).
 * The core expresses every neural part of a model this way, so a backend needs to understand nothing else.
 */
package io.diif.graph;
