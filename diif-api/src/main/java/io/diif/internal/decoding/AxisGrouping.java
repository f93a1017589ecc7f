package io.diif.internal.decoding;

/**
 * How the output pixels of one axis are grouped around the latent codes of that axis (algorithm §2).
 *
 * <p>Output pixel k of {@code outputs} belongs to the latent whose centre is nearest (ties to the later
 * one); groups tile the output exactly and may be empty when shrinking. Positions are in relative
 * units: half-pixels of the latent grid measured from the owning latent's centre, so the latent's own
 * cell is [−1, 1].
 */
public final class AxisGrouping {
    private final int latents;
    private final int outputs;
    private final int[] start;
    private final int maxCount;
    private final double cell;

    public AxisGrouping(int latents, int outputs) {
        if (latents <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("axis sizes must be > 0, were latents=" + latents + ", outputs=" + outputs);
        }
        this.latents = latents;
        this.outputs = outputs;
        this.start = new int[latents + 1];
        // start_i = ceil((2·i·out − L) / (2L)): the first output pixel whose centre lies past the midpoint
        // between latents i−1 and i. Integer form of the reference's float32 ceil(i·r − 0.5).
        long twoL = 2L * latents;
        for (int i = 1; i < latents; i++) {
            long num = 2L * i * outputs - latents;
            start[i] = (int) -Math.floorDiv(-num, twoL);
        }
        start[latents] = outputs;
        int max = 0;
        for (int i = 0; i < latents; i++) {
            max = Math.max(max, start[i + 1] - start[i]);
        }
        this.maxCount = max;
        this.cell = 2.0 * latents / outputs;
    }

    public int latents() {
        return latents;
    }

    public int outputs() {
        return outputs;
    }

    /** First output pixel of latent i's group. */
    public int start(int i) {
        return start[i];
    }

    /** Output pixels in latent i's group (0 is possible when shrinking). */
    public int count(int i) {
        return start[i + 1] - start[i];
    }

    /** N: the largest group; every group is padded to it for slice descriptors. */
    public int maxCount() {
        return maxCount;
    }

    /** The output pixel pitch in relative units: 2·latents/outputs. */
    public double cell() {
        return cell;
    }

    /** The latent owning output pixel k. */
    public int latentOf(int k) {
        // Groups are monotone; a binary search keeps this O(log L).
        int lo = 0;
        int hi = latents - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (start[mid] <= k) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Relative position of output pixel k's centre, measured from the centre of latent i. Computed from
     * the global coordinate so that rendering and point sampling agree exactly.
     */
    public double relative(int i, double outputPosition) {
        // Global coordinate g = −1 + 2p/out (p in output pixels, centres at k + 0.5); the latent centre
        // is −1 + (2i + 1)/L; rel = (g − centre)·L.
        return (2.0 * outputPosition * latents) / outputs - (2.0 * i + 1.0);
    }

    /** s(i): relative position of the first pixel of group i (algorithm §2). */
    public double first(int i) {
        return relative(i, start[i] + 0.5);
    }

    /**
     * The coarse cell input: the pitch, or 2/maxScale when the output exceeds maxScale·latents
     * (algorithm §4; NaN maxScale = never clamp).
     */
    public double coarseCell(double maxScale) {
        if (!Double.isNaN(maxScale) && outputs > maxScale * latents) {
            return 2.0 / maxScale;
        }
        return cell;
    }
}
