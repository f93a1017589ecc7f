package io.diif.internal.decoding;

/**
 * Reusable work arrays for the tiles of one render or sample call (never shared between calls, so
 * decoders stay thread-safe).
 *
 * <p>A decoder's largest arrays (the coarse input and the fine input of a tile, tens of megabytes) are
 * overwritten completely by each tile, yet a fresh Java array is zeroed first: at ×12 that zeroing cost as
 * much as the mixing itself. Tiles of one render mostly have the same size, so an array of exactly the
 * size asked for is kept and handed out again; a different size replaces it.
 */
final class Scratch {
    private final float[][] arrays = new float[Slot.values().length][];

    enum Slot {
        COARSE_INPUT,
        FINE_INPUT
    }

    /** An array of exactly {@code length} values with arbitrary contents: the caller overwrites all of it. */
    float[] get(Slot slot, int length) {
        float[] a = arrays[slot.ordinal()];
        if (a == null || a.length != length) {
            a = new float[length];
            arrays[slot.ordinal()] = a;
        }
        return a;
    }
}
