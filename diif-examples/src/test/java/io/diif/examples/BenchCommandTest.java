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

    @Test
    @DisplayName("--liif-model without a FILE counts the bundled LIIF beside the bundled default DIIF, which"
            + " costs far less per pixel")
    void bundledLiif() {
        Run r = CliHarness.run("bench", "--liif-model", "--backend", "java", "--sizes", "8", "--scales", "4,12",
                "--macs-only");
        assertEquals(0, r.exit(), r::toString);
        List<String> diif = cells(r.out(), "default");
        List<String> liif = cells(r.out(), "liif");
        assertEquals(List.of("1,683,011", "1,567,299"), List.of(diif.get(1), liif.get(1)), r::toString);
        for (int column = 4; column <= 5; column++) {
            long diifMacs = Long.parseLong(diif.get(column).replace(",", ""));
            long liifMacs = Long.parseLong(liif.get(column).replace(",", ""));
            assertTrue(liifMacs > 4 * diifMacs, "LIIF " + liifMacs + " against DIIF " + diifMacs + " MAC/px");
        }
    }

    @Test
    @DisplayName("--macs-only prints parameters and decoder MAC/px per paper model and scale, without timing; a"
            + " fixed-scale model only at its scale")
    void macsOnly() {
        Run r = CliHarness.run("bench", "--paper-models", "edsr-diif-wo-se,edsr-x2", "--backend", "java", "--sizes",
                "8", "--scales", "2,3", "--macs-only");
        assertEquals(0, r.exit(), r::toString);
        List<String> woSe = cells(r.out(), "edsr-diif-wo-se");
        assertEquals(List.of("1,568,323", "347,907", "8²"), woSe.subList(1, 4));
        // Per output pixel at integer scale s: the 3x3-unfold projection once per latent (576·256 / s²), per
        // slice its descriptor, second coarse layer and fine projection ((6·256 + 2·256²) / s), per pixel the
        // coordinate part, the fine hidden and output layers (3·256 + 256² + 3·256).
        assertEquals(List.of("170,240", "127,659"), woSe.subList(4, 6));
        List<String> x2 = cells(r.out(), "edsr-x2");
        assertEquals(List.of("1,369,859", "0", "8²"), x2.subList(1, 4));
        // conv 64 -> 256 per input pixel (147,456) over 4 output pixels, plus the output conv 64 -> 3 (1,728).
        assertEquals(List.of("38,592", "—"), x2.subList(4, 6));
        assertTrue(!r.out().contains("GFLOP") && !r.err().contains("plain GEMM"), r::toString);
    }

    private static List<String> cells(String markdown, String model) {
        String row = markdown.lines().filter(l -> l.startsWith("| " + model + " |")).findFirst().orElseThrow(
                () -> new AssertionError("no row " + model + " in\n" + markdown));
        return java.util.Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::trim).toList();
    }

    private static double number(String cell) {
        return Double.parseDouble(cell.trim().replace(",", ""));
    }
}
