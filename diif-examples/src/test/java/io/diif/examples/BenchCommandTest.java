package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diif bench} on the Java backend and a small model: the table's shape and the consistency of its
 * columns, not its speed (the Java backend and the shared CI host make times meaningless here).
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("bench prints one consistent Markdown row per scale, the load line, and writes the same to --out")
    void tableRowsAreConsistent() throws Exception {
        CliHarness cli = new CliHarness(dir);
        Path out = dir.resolve("bench.md");
        Run r = CliHarness.run("bench", "--model", cli.model.toString(), "--backend", "java", "--sizes", "8",
                "--scales", "2,3", "--runs", "1", "--warmup", "0", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(r.out(), Files.readString(out), "--out holds what was printed");
        List<String> rows = r.out().lines().filter(l -> l.startsWith("| java |")).toList();
        assertEquals(2, rows.size(), r::toString);
        int[] outputs = {16, 24};
        for (int k = 0; k < rows.size(); k++) {
            String[] cells = rows.get(k).split("\\|");
            // cells[0] is empty (the line starts with '|'); then 14 columns.
            assertEquals(15, cells.length, rows.get(k));
            assertEquals("fp32", cells[2].trim());
            assertEquals("model-diif-row", cells[3].trim());
            assertEquals("8²", cells[4].trim());
            assertEquals(outputs[k] + "²", cells[6].trim());
            double encode = number(cells[7]);
            double decode = number(cells[8]);
            double upscale = number(cells[9]);
            assertTrue(encode > 0 && decode > 0, rows.get(k));
            // With one run, upscale is exactly that run's encode + decode (each printed to 1 ms).
            assertEquals(encode + decode, upscale, 0.0015, rows.get(k));
            double macs = number(cells[10]);
            assertTrue(macs > 0, rows.get(k));
            // GFLOP/s comes from the unrounded decode time, which lies within half a millisecond of the printed one.
            double gflops = number(cells[11]);
            double flop = 2 * macs * outputs[k] * outputs[k] / 1e9;
            double slowest = flop / (decode + 0.0005) - 0.05;
            double fastest = decode > 0.0005 ? flop / (decode - 0.0005) + 0.05 : Double.POSITIVE_INFINITY;
            assertTrue(gflops >= slowest && gflops <= fastest, rows.get(k) + ": GFLOP/s outside " + slowest + " … "
                    + fastest);
            double gemm = number(cells[12]);
            assertTrue(gemm > 0.05, rows.get(k));
            double ratio = number(cells[13].replace("%", ""));
            assertTrue(ratio >= 100 * (gflops - 0.05) / (gemm + 0.05) - 0.5
                    && ratio <= 100 * (gflops + 0.05) / (gemm - 0.05) + 0.5, rows.get(k) + ": decode/GEMM");
            assertTrue(number(cells[14]) > 0, "peak RSS: " + rows.get(k));
        }
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("- java: engine + full-size DIIF model load")),
                r::toString);
        assertTrue(r.err().contains("bench: java fp32 plain GEMM 256x256 on"), r::toString);
    }

    @Test
    @DisplayName("--precision fp32,int8 gives one row per precision for each scale, the precisions taking turns")
    void precisionsAlternate() {
        CliHarness cli = new CliHarness(dir);
        Run r = CliHarness.run("bench", "--model", cli.model.toString(), "--backend", "onnx", "--sizes", "8",
                "--scales", "2,3", "--runs", "2", "--warmup", "0", "--precision", "fp32,int8");
        assertEquals(0, r.exit(), r::toString);
        List<String> rows = r.out().lines().filter(l -> l.startsWith("| onnx |")).toList();
        assertEquals(List.of("fp32 ×2", "int8 ×2", "fp32 ×3", "int8 ×3"), rows.stream()
                .map(l -> l.split("\\|")[2].trim() + " " + l.split("\\|")[5].trim()).toList(), r::toString);
        assertTrue(r.err().contains("bench: onnx int8 plain GEMM 256x256 on"), r::toString);
        r = CliHarness.run("bench", "--model", cli.model.toString(), "--backend", "java", "--sizes", "8",
                "--scales", "2", "--runs", "1", "--warmup", "0", "--precision", "fp32,int8");
        DiifCliErrorsTest.oneLineFailure(r, 1, "precision int8 is not supported by the java backend");
    }

    private static double number(String cell) {
        return Double.parseDouble(cell.trim().replace(",", ""));
    }
}
