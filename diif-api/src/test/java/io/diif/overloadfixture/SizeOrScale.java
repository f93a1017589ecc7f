package io.diif.overloadfixture;

/**
 * The trap the API rules ban, on purpose: {@code resize(2, 2)} and {@code resize(2.0, 2.0)} would mean a
 * size and a scale. {@link io.diif.SizeScaleOverloadsTest} proves its check flags exactly the marked pairs.
 */
public class SizeOrScale {
    /** Flagged with the next constructor: a pixel count against a factor. */
    public SizeOrScale(long pixels) {
    }

    /** Flagged with the previous constructor. */
    public SizeOrScale(float factor) {
    }

    /** Flagged with {@link #resize(double, double)}. */
    public void resize(int width, int height) {
    }

    /** Flagged with {@link #resize(int, int)}. */
    public void resize(double scaleX, double scaleY) {
    }

    /** Flagged with {@link #grow(Float)}: protected members are API too, and boxed numbers count. */
    protected void grow(short rows) {
    }

    /** Flagged with {@link #grow(short)}. */
    protected void grow(Float factor) {
    }

    /** Not flagged: a different arity from {@link #at(int, double)}. */
    public void at(int index) {
    }

    /** Not flagged: the only two-argument {@code at}. */
    public void at(int index, double weight) {
    }

    /** Not flagged: a String against an int is not a size against a scale. */
    public void name(String text) {
    }

    /** Not flagged: see {@link #name(String)}. */
    public void name(int code) {
    }

    /** Not flagged: private, so no caller outside can confuse them. */
    private void hidden(int size) {
    }

    /** Not flagged: private. */
    private void hidden(double scale) {
    }

    /** A public nested type is API as well. */
    public static final class Nested {
        /** Flagged with {@link #crop(long, double)}: they differ at the first parameter. */
        public void crop(double x, double y) {
        }

        /** Flagged with {@link #crop(double, double)}. */
        public void crop(long x, double y) {
        }
    }

    /** Not scanned: a package-private nested type is not API. */
    static final class Internal {
        void fit(int size) {
        }

        void fit(double scale) {
        }
    }
}
