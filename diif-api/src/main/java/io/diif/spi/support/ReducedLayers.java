package io.diif.spi.support;

import io.diif.Precision;
import io.diif.graph.Node;
import io.diif.spi.Backend;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which layers of a graph a backend may run in a reduced {@link Precision}, so that every engine trades
 * the same layers: the dense layers of the decoder MLPs, the DIIF corner projection and the coarse-to-fine
 * projection, but not a layer that writes the colour ({@value #COLOUR_CHANNELS} outputs): it is a
 * small share of the arithmetic and keeps the colour float32. The encoder's convolutions stay float32
 * too (see docs/performance.md for what reducing them measured).
 */
public final class ReducedLayers {

    /** Outputs of the layer that writes RGB. */
    public static final int COLOUR_CHANNELS = 3;

    private ReducedLayers() {
    }

    /**
     * Whether a layer may run in a reduced precision.
     *
     * @param node a layer of a graph
     * @return true for a dense layer with more than {@value #COLOUR_CHANNELS} outputs
     */
    public static boolean reducible(Node node) {
        return node instanceof Node.Linear && node.channels() > COLOUR_CHANNELS;
    }

    /**
     * The message with which a backend refuses a precision it cannot run.
     *
     * @param backend the refusing backend
     * @param precision the precision asked for
     * @return a sentence naming the precision, the backend and the precisions it runs
     */
    public static String refusal(Backend backend, Precision precision) {
        return "precision " + precision.label() + " is not supported by the " + backend.name() + " backend (it runs "
                + labels(backend.precisions()) + ")";
    }

    /**
     * Lists precisions for a message.
     *
     * @param precisions the precisions
     * @return their labels in enum order, comma-separated, e.g. {@code fp32, int8}
     */
    public static String labels(Set<Precision> precisions) {
        return precisions.stream().sorted().map(Precision::label).collect(Collectors.joining(", "));
    }
}
