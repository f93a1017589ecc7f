package io.diif.internal.decoding;

/**
 * The decoder's per-row Java arithmetic, written so that HotSpot's C2 compiles it to SIMD code.
 *
 * <p>JDK 17's auto-vectoriser gives up on loops that read one array at several offsets (a slice's four
 * vertex vectors stored one after another) and on strided reads; the same arithmetic over separate
 * arrays indexed from 0 vectorises and runs several times faster. Callers copy the rows they need into small scratch
 * arrays first; that copy is a memcpy and is shared by all pixels of a slice. Each element is computed
 * with the same operations in the same order as the plain loops, so results are bit-identical.
 */
final class RowKernels {
    private RowKernels() {
    }

    /** out[o] = w0·v0[o] + w1·v1[o] + w2·v2[o] + w3·v3[o], for o &lt; n. */
    static void mix(float[] v0, float[] v1, float[] v2, float[] v3, float w0, float w1, float w2, float w3,
            float[] out, int n) {
        for (int o = 0; o < n; o++) {
            out[o] = w0 * v0[o] + w1 * v1[o] + w2 * v2[o] + w3 * v3[o];
        }
    }

    /**
     * out[o] = ReLU((w0·v0[o] + w1·v1[o] + w2·v2[o] + w3·v3[o]) + (bias[o] + colH[o]·h + colW[o]·w)): the
     * mix of projected vertex vectors plus the coordinate part of the first fine layer, activated.
     */
    static void mixFirstFineLayer(float[] v0, float[] v1, float[] v2, float[] v3, float w0, float w1, float w2,
            float w3, float[] bias, float[] colH, float[] colW, float h, float w, float[] out, int n) {
        for (int o = 0; o < n; o++) {
            float mix = w0 * v0[o] + w1 * v1[o] + w2 * v2[o] + w3 * v3[o];
            out[o] = Math.max(mix + (bias[o] + colH[o] * h + colW[o] * w), 0f);
        }
    }

    /**
     * out[o] = ReLU(v[o] + (bias[o] + colH[o]·h + colW[o]·w)): {@link #mixFirstFineLayer} of a slice's one
     * vector, without slice ensemble.
     */
    static void firstFineLayer(float[] v, float[] bias, float[] colH, float[] colW, float h, float w, float[] out,
            int n) {
        for (int o = 0; o < n; o++) {
            out[o] = Math.max(v[o] + (bias[o] + colH[o] * h + colW[o] * w), 0f);
        }
    }

    /**
     * out[o] = ReLU(corner[o] + constant[o] + c2[o]·d2 + c3[o]·d3 + c4[o]·d4 + c5[o]·d5): DIIF's first
     * coarse layer from its corner projection and the four border inputs of the slice descriptor.
     */
    static void firstCoarseLayer(float[] corner, float[] constant, float[] c2, float d2, float[] c3, float d3,
            float[] c4, float d4, float[] c5, float d5, float[] out, int n) {
        for (int o = 0; o < n; o++) {
            float x = corner[o] + constant[o] + c2[o] * d2 + c3[o] * d3 + c4[o] * d4 + c5[o] * d5;
            out[o] = Math.max(x, 0f);
        }
    }
}
