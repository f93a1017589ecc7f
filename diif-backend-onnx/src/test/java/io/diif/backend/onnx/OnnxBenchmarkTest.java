package io.diif.backend.onnx;

import io.diif.graph.Graph;
import io.diif.spi.Executable;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints timings; asserts nothing. Run with
 * {@code mvn -pl .,diif-backend-onnx test -Dtest=OnnxBenchmarkTest -Ddiif.bench=true}.
 */
@EnabledIfSystemProperty(named = "diif.bench", matches = "true")
class OnnxBenchmarkTest {

    @Test
    void edsr64x16On256x256() {
        TestGraphs t = new TestGraphs(31);
        Graph g = t.edsr(3, 64, 16, 0.1f);
        time(g, t.input(3 * 256 * 256), 3, 256, 256);
    }

    @Test
    void linearStack256On100000Rows() {
        TestGraphs t = new TestGraphs(32);
        Graph g = t.linearStack(256, 256, 4, 256);
        time(g, t.input(100_000 * 256), 100_000, 256);
    }

    private static void time(Graph g, float[] input, int... shape) {
        OnnxBackend backend = new OnnxBackend(OnnxSettings.fromSystemProperties());
        long c0 = System.nanoTime();
        try (Executable e = backend.compile(g)) {
            long c1 = System.nanoTime();
            e.run(input, shape); // warm-up: first run plans memory
            int runs = 3;
            double best = Double.MAX_VALUE;
            double sum = 0;
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                e.run(input, shape);
                double ms = (System.nanoTime() - s) / 1e6;
                best = Math.min(best, ms);
                sum += ms;
            }
            double gmac = g.macs(shape) / 1e9;
            System.out.printf(Locale.ROOT, "[bench] %s %s: compile %.0f ms, run best %.1f ms, mean %.1f ms,"
                    + " %.2f GMAC, %.1f GMAC/s (%s)%n", g.name(), java.util.Arrays.toString(shape),
                    (c1 - c0) / 1e6, best, sum / runs, gmac, gmac / (best / 1e3), backend.description());
        }
    }
}
