package io.diif.examples.cli;

import io.diif.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/**
 * Parsing of option values, shared by every command: picocli converters for single values, and the same
 * rules for the comma-separated lists that commands split themselves. A converter does not know which
 * option it serves, so it refuses with the rest of the sentence ({@link Refusal}) and the command line
 * puts the option's name in front: {@code --size needs sizes > 0, was '0x10'}.
 */
public final class Values {
    private Values() {
    }

    /** A refused option value: the message without the option's name, which the command line prepends. */
    public static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String afterName) {
            super(afterName);
        }

        /** The whole sentence for {@code option}. */
        public UsageException forOption(String option) {
            return new UsageException(option + getMessage());
        }
    }

    /** A whole number within Java's int range (sizes, counts, ports). */
    public static final class IntValue implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) wholeNumber(value, true);
        }
    }

    /** Any whole number a long holds (pixel limits). */
    public static final class LongValue implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return wholeNumber(value, false);
        }
    }

    /** A decimal number. */
    public static final class NumberValue implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return number(value);
        }
    }

    /** {@code fp32}, {@code bf16} or {@code int8}. */
    public static final class PrecisionValue implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            try {
                return Precision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new Refusal(": " + e.getMessage());
            }
        }
    }

    /** {@code WxH}, both at least 1. */
    public static final class SizeValue implements ITypeConverter<Size> {
        @Override
        public Size convert(String value) {
            int[] wh = pair(value);
            return new Size(wh[0], wh[1]);
        }
    }

    /** {@code S} or {@code SXxSY}: finite factors above 0. */
    public static final class ScaleValue implements ITypeConverter<Scale> {
        @Override
        public Scale convert(String value) {
            int x = value.toLowerCase(Locale.ROOT).indexOf('x');
            if (x > 0) {
                return new Scale(factor(value.substring(0, x)), factor(value.substring(x + 1)));
            }
            double v = factor(value);
            return new Scale(v, v);
        }

        private static double factor(String s) {
            double v = number(s);
            if (!Double.isFinite(v) || v <= 0) {
                throw new Refusal(" must be finite and > 0, was " + s);
            }
            return v;
        }
    }

    /** {@code X,Y,WxH}: a rectangle of an output grid, checked against the grid once it is known. */
    public static final class WindowValue implements ITypeConverter<WindowSpec> {
        @Override
        public WindowSpec convert(String value) {
            String[] parts = value.split(",", -1);
            if (parts.length != 3) {
                throw new Refusal(" must look like X,Y,WxH (e.g. 3584,3584,512x512), was '" + value + "'");
            }
            int x = (int) wholeNumber(parts[0], true);
            int y = (int) wholeNumber(parts[1], true);
            int[] wh = pair(parts[2]);
            return new WindowSpec(x, y, wh[0], wh[1], value);
        }
    }

    /** An output size in pixels. */
    public record Size(int width, int height) {
    }

    /** Scale factors across and down. */
    public record Scale(double x, double y) {
    }

    /** {@code --window} as written; {@link #inside} places it on the output grid. */
    public record WindowSpec(int x, int y, int width, int height, String text) {
        /** The window, refused when it leaves the {@code gridW × gridH} output. */
        public io.diif.Window inside(int gridW, int gridH) {
            if (x < 0 || y < 0 || (long) x + width > gridW || (long) y + height > gridH) {
                throw new UsageException("--window " + text + " is not inside the " + gridW + "x" + gridH + " output");
            }
            return new io.diif.Window(x, y, width, height);
        }
    }

    /** {@code option}'s value as a whole number within int range, for values a command splits itself. */
    public static int integer(String option, String value) {
        try {
            return (int) wholeNumber(value, true);
        } catch (Refusal r) {
            throw r.forOption(option);
        }
    }

    /** {@code option}'s value as a decimal number, for values a command reads itself. */
    public static double number(String option, String value) {
        try {
            return number(value);
        } catch (Refusal r) {
            throw r.forOption(option);
        }
    }

    /** A comma-separated list, each entry non-blank. */
    public static List<String> list(String option, String value) {
        List<String> all = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            if (part.isBlank()) {
                throw new UsageException(option + " has an empty entry in '" + value + "'");
            }
            all.add(part);
        }
        return all;
    }

    private static long wholeNumber(String s, boolean intRange) {
        long v;
        try {
            v = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new Refusal(" needs an integer, was '" + s + "'");
        }
        if (intRange && v > Integer.MAX_VALUE) {
            throw new Refusal(" value " + s + " is too large");
        }
        if (intRange && v < Integer.MIN_VALUE) {
            throw new Refusal(" value " + s + " is too small");
        }
        return v;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new Refusal(" needs a number, was '" + s + "'");
        }
    }

    private static int[] pair(String s) {
        int i = s.toLowerCase(Locale.ROOT).indexOf('x');
        if (i <= 0) {
            throw new Refusal(" must look like WxH, was '" + s + "'");
        }
        int w = (int) wholeNumber(s.substring(0, i), true);
        int h = (int) wholeNumber(s.substring(i + 1), true);
        if (w <= 0 || h <= 0) {
            throw new Refusal(" needs sizes > 0, was '" + s + "'");
        }
        return new int[] {w, h};
    }
}
