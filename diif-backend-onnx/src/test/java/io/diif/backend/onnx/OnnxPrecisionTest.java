package io.diif.backend.onnx;

import static io.diif.backend.onnx.TestGraphs.assertClose;

import io.diif.backend.java.JavaBackend;
import io.diif.graph.Graph;
import io.diif.spi.Executable;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deep graphs at every optimisation level against the Java reference: fused and re-laid-out kernels
 * (level all) must stay within 1e-5. Prints the largest difference seen, for the record.
 */
class OnnxPrecisionTest {

    @Test
    void everyOptimisationLevelMatchesJavaOnDeepGraphs() {
        TestGraphs t = new TestGraphs(41);
        Graph image = t.edsr(3, 32, 8, 0.1f);
        float[] imageIn = t.input(3 * 24 * 20);
        Graph rows = t.linearStack(64, 256, 4, 3);
        float[] rowsIn = t.input(300 * 64);
        Map<String, float[]> reference;
        try (Executable ji = new JavaBackend().compile(image); Executable jr = new JavaBackend().compile(rows)) {
            reference = Map.of("image", ji.run(imageIn, 3, 24, 20), "rows", jr.run(rowsIn, 300, 64));
        }
        for (String level : new String[] {"none", "basic", "extended", "all"}) {
            OnnxBackend backend = new OnnxBackend(new OnnxSettings(Runtime.getRuntime().availableProcessors(), level,
                    OnnxSettings.Arena.NONE, false, 0, Map.of()));
            try (Executable oi = backend.compile(image); Executable or = backend.compile(rows)) {
                float[] i = oi.run(imageIn, 3, 24, 20);
                float[] r = or.run(rowsIn, 300, 64);
                System.out.printf(Locale.ROOT, "[precision] optimisation %-8s max |onnx - java|: edsr32x8 %.3g,"
                        + " linear stack %.3g%n", level, TestGraphs.maxDiff(reference.get("image"), i),
                        TestGraphs.maxDiff(reference.get("rows"), r));
                assertClose(reference.get("image"), i, 1e-5, "edsr at " + level);
                assertClose(reference.get("rows"), r, 1e-5, "linear stack at " + level);
            }
        }
    }
}
