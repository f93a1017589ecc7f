package io.diif.internal.decoding;

import io.diif.Window;
import io.diif.internal.decoding.AxisGrouping;

/**
 * The slices of a tile of latents and the output pixels they decode (algorithm §2–§4): per slice its
 * latent and descriptor borders, per pixel ("query") its slice and coordinate relative to the latent
 * centre. All arrays are parallel by index.
 */
final class SliceWork {
    int slices;
    final int[] sliceI;
    final int[] sliceJ;
    /** The slice descriptor's borders, relative to the latent centre (padded group size). */
    final float[] top;
    final float[] left;
    final float[] bottom;
    final float[] right;
    int queries;
    final int[] querySlice;
    final float[] qh;
    final float[] qw;
    /** Where each query's colour goes: its index in the window (render) or the point list (sample). */
    final int[] target;

    SliceWork(int maxSlices, int maxQueries) {
        sliceI = new int[maxSlices];
        sliceJ = new int[maxSlices];
        top = new float[maxSlices];
        left = new float[maxSlices];
        bottom = new float[maxSlices];
        right = new float[maxSlices];
        querySlice = new int[maxQueries];
        qh = new float[maxQueries];
        qw = new float[maxQueries];
        target = new int[maxQueries];
    }

    /** The slices and pixels of latents [i0, i1) × [j0, j1) that fall inside {@code window}. */
    static SliceWork forTile(AxisGrouping gh, AxisGrouping gw, boolean rowSlicing, int i0, int i1, int j0, int j1,
            Window window) {
        int rStart = Math.max(window.y(), gh.start(i0));
        int rEnd = Math.min(window.y() + window.height(), gh.start(i1));
        int cStart = Math.max(window.x(), gw.start(j0));
        int cEnd = Math.min(window.x() + window.width(), gw.start(j1));
        int pixels = Math.max(0, rEnd - rStart) * Math.max(0, cEnd - cStart);
        int maxSlices = rowSlicing ? (i1 - i0) * (j1 - j0) * Math.max(1, gh.maxCount()) : (i1 - i0) * (j1 - j0);
        SliceWork w = new SliceWork(Math.min(maxSlices, Math.max(pixels, 1)), pixels);
        for (int i = i0; i < i1; i++) {
            int r0 = Math.max(gh.start(i), rStart);
            int r1 = Math.min(gh.start(i) + gh.count(i), rEnd);
            if (r0 >= r1) {
                continue;
            }
            for (int j = j0; j < j1; j++) {
                int c0 = Math.max(gw.start(j), cStart);
                int c1 = Math.min(gw.start(j) + gw.count(j), cEnd);
                if (c0 >= c1) {
                    continue;
                }
                int groupSlice = rowSlicing ? -1 : w.addSlice(gh, gw, false, i, j, r0);
                for (int r = r0; r < r1; r++) {
                    int slice = rowSlicing ? w.addSlice(gh, gw, true, i, j, r) : groupSlice;
                    double rowPos = gh.relative(i, r + 0.5);
                    for (int c = c0; c < c1; c++) {
                        w.addQuery(slice, rowPos, gw.relative(j, c + 0.5),
                                (r - window.y()) * window.width() + (c - window.x()));
                    }
                }
            }
        }
        return w;
    }

    /**
     * Adds the slice of latent (i, j) that holds output row {@code row}: with row slicing, top = bottom =
     * that row; with group slicing, the padded group's first and last row. Left and right are the padded
     * group's first and last column.
     */
    int addSlice(AxisGrouping gh, AxisGrouping gw, boolean rowSlicing, int i, int j, int row) {
        double rowPos = gh.relative(i, row + 0.5);
        sliceI[slices] = i;
        sliceJ[slices] = j;
        top[slices] = (float) (rowSlicing ? rowPos : gh.first(i));
        left[slices] = (float) gw.first(j);
        bottom[slices] = (float) (rowSlicing ? rowPos : lastPadded(gh, i));
        right[slices] = (float) lastPadded(gw, j);
        return slices++;
    }

    /** Relative position of the last padded position of group i: the padded N, not the group's own count. */
    private static double lastPadded(AxisGrouping g, int i) {
        return g.relative(i, g.start(i) + g.maxCount() - 1 + 0.5);
    }

    void addQuery(int slice, double h, double w, int targetIndex) {
        querySlice[queries] = slice;
        qh[queries] = (float) h;
        qw[queries] = (float) w;
        target[queries] = targetIndex;
        queries++;
    }
}
