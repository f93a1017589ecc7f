package io.diif;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic a backend runs a model's networks in. {@link #FP32} is exact to the numerical contract;
 * the reduced precisions trade accuracy for speed on CPUs with the matching instructions, by how much is
 * measured in {@code docs/performance.md}. A backend that cannot run a precision refuses it when the model
 * is built.
 */
public enum Precision {
    /** 32-bit floating point everywhere: the reference. */
    FP32,
    /** Weights and activations of the reduced layers rounded to bfloat16, accumulated in float32. */
    BF16,
    /** Reduced layers as 8-bit integer GEMMs: weights quantised per output channel, activations per run. */
    INT8;

    /**
     * The lower-case name used on the command line and in messages, so that both spell it alike.
     *
     * @return {@code fp32}, {@code bf16} or {@code int8}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision with that label, for reading it from arguments and configuration.
     *
     * @param label a label as {@link #label()} gives it; case and surrounding space are ignored
     * @return the precision
     * @throws IllegalArgumentException if no precision has that label (null included), naming the value and
     *     the accepted ones
     */
    public static Precision parse(String label) {
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be one of " + labels() + ", was '" + label + "'");
    }

    /**
     * The accepted labels, for usage text and error messages.
     *
     * @return the labels joined by {@code |}: {@code fp32|bf16|int8}
     */
    public static String labels() {
        return Arrays.stream(values()).map(Precision::label).collect(Collectors.joining("|"));
    }
}
