package io.diif.internal.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AxisGroupingTest {

    @Test
    @DisplayName("each output pixel belongs to the nearest latent, ties to the later one, and groups tile the axis")
    void nearestLatent() {
        for (int latents = 1; latents <= 40; latents++) {
            for (int outputs = 1; outputs <= 260; outputs += (outputs < 50 ? 1 : 7)) {
                AxisGrouping g = new AxisGrouping(latents, outputs);
                int covered = 0;
                for (int i = 0; i < latents; i++) {
                    covered += g.count(i);
                }
                assertEquals(outputs, covered);
                for (int k = 0; k < outputs; k++) {
                    // Exact rational comparison of distances from pixel centre (2k+1)/2out to latent centres.
                    int best = 0;
                    long bestNum = Long.MAX_VALUE;
                    for (int i = 0; i < latents; i++) {
                        long d = Math.abs((2L * k + 1) * latents - (2L * i + 1) * outputs);
                        if (d <= bestNum) {
                            bestNum = d;
                            best = i;
                        }
                    }
                    assertEquals(best, g.latentOf(k), "latents=" + latents + " outputs=" + outputs + " k=" + k);
                }
            }
        }
    }

    @Test
    @DisplayName("the start of each group equals the reference's float32 ceil(i*r - 0.5) for tested sizes")
    void matchesReferenceFloat32() {
        int[][] cases = {{32, 24}, {32, 64}, {32, 96}, {32, 118}, {40, 148}, {40, 160}, {32, 384}, {40, 1200}, {64, 768}};
        for (int[] c : cases) {
            AxisGrouping g = new AxisGrouping(c[0], c[1]);
            float r = (float) c[1] / c[0];
            for (int i = 1; i < c[0]; i++) {
                assertEquals((int) Math.ceil(i * r - 0.5f), g.start(i), c[0] + "->" + c[1] + " i=" + i);
            }
        }
    }

    @Test
    @DisplayName("relative positions, pitch and the coarse-cell clamp follow the spec")
    void geometry() {
        AxisGrouping g = new AxisGrouping(32, 118);
        assertEquals(2.0 * 32 / 118, g.cell(), 1e-15);
        for (int i = 0; i < 32; i++) {
            double expected = 32 * ((2.0 * g.start(i) + 1) / 118 - (2.0 * i + 1) / 32);
            assertEquals(expected, g.first(i), 1e-12);
        }
        assertEquals(g.cell(), g.coarseCell(4.0));
        assertEquals(0.5, new AxisGrouping(32, 129).coarseCell(4.0));
        assertEquals(2.0 * 32 / 128, new AxisGrouping(32, 128).coarseCell(4.0), "x4 exactly is not clamped");
        assertEquals(2.0 * 32 / 600, new AxisGrouping(32, 600).coarseCell(Double.NaN));
        assertEquals(0, new AxisGrouping(32, 8).count(0) * 0);
        assertThrows(IllegalArgumentException.class, () -> new AxisGrouping(0, 5));
    }
}
