package io.diif.examples.eval;

import static io.diif.examples.DiifCliErrorsTest.oneLineFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import io.diif.examples.CliHarness;
import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diif eval} in-process on the 40×32 golden input with the small golden models and the Java backend. */
@DisplayName("diif eval")
class EvalCommandTest {
    @TempDir
    static Path dir;
    static CliHarness cli;
    static Path liifModel;
    static Rgb8 photo;

    @BeforeAll
    static void files() throws Exception {
        cli = new CliHarness(dir);
        liifModel = dir.resolve("model-liif.safetensors");
        try (InputStream in = EvalCommandTest.class.getClassLoader()
                .getResourceAsStream(Golden.resource("model-liif.safetensors"))) {
            Files.copy(in, liifModel);
        }
        photo = Rgb8.of(ImageIO.read(cli.image.toFile()));
    }

    /** The protocol written out again: truth cropped to a multiple of the scale, input and bicubic quantised. */
    private static Scores bicubicScores(int scale) {
        Rgb8 truth = photo.centreCrop(photo.width() / scale * scale, photo.height() / scale * scale);
        Rgb8 input = truth.resize(truth.width() / scale, truth.height() / scale);
        Rgb8 bicubic = input.resize(truth.width(), truth.height());
        return new Scores(QualityMetrics.psnrRgb(truth, bicubic, scale + 6), QualityMetrics.psnrY(truth, bicubic, scale),
                QualityMetrics.ssimY(truth, bicubic, scale));
    }

    private static List<String> cells(String markdown, String firstCell) {
        String row = markdown.lines().filter(l -> l.startsWith("| " + firstCell + " |")).findFirst().orElseThrow(
                () -> new AssertionError("no row " + firstCell + " in\n" + markdown));
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::trim).toList();
    }

    @Test
    @DisplayName("prints a row per scale with bicubic, LIIF and DIIF columns; bicubic equals the protocol computed"
            + " here; writes the report, the CSV and the pictures")
    void fullRun() throws Exception {
        Path report = dir.resolve("out/report.md");
        Path pictures = dir.resolve("pictures");
        Run r = CliHarness.run("eval", "--images", cli.image.toString(), "--model", cli.model.toString(),
                "--liif-model", liifModel.toString(), "--backend", "java", "--scales", "2,3", "--out",
                report.toString(), "--pictures", pictures.toString(), "--picture-scales", "2,3");
        assertEquals(0, r.exit(), r::toString);
        String header = r.out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("LIIF: ") && header.contains("DIIF: ") && header.contains("parameters")
                && header.contains("backend java") && header.contains("images: input.png (1)"), header);
        assertEquals(List.of("scale", "images", "PSNR bicubic", "PSNR LIIF", "PSNR DIIF", "LIIF gain", "DIIF gain",
                "Y-PSNR bicubic", "Y-PSNR LIIF", "Y-PSNR DIIF", "SSIM bicubic", "SSIM LIIF", "SSIM DIIF"),
                cells(r.out(), "scale"));
        for (int scale : new int[] {2, 3}) {
            List<String> row = cells(r.out(), "×" + scale);
            Scores expected = bicubicScores(scale);
            assertEquals("1", row.get(1));
            assertEquals(String.format(Locale.ROOT, "%.2f", expected.psnrRgb()), row.get(2), row::toString);
            assertEquals(String.format(Locale.ROOT, "%.2f", expected.psnrY()), row.get(7), row::toString);
            assertEquals(String.format(Locale.ROOT, "%.4f", expected.ssimY()), row.get(10), row::toString);
            double gain = Double.parseDouble(row.get(6));
            assertEquals(Double.parseDouble(row.get(4)) - Double.parseDouble(row.get(2)), gain, 0.0100001, row::toString);
        }
        List<String> progress = r.errLines();
        assertEquals(2, progress.size(), r::toString);
        assertTrue(progress.get(1).startsWith("eval: 1/1 input.png x3 (39x30): bicubic "), progress.get(1));

        assertEquals(r.out(), Files.readString(report));
        List<String> csv = Files.readAllLines(dir.resolve("out/report.csv"));
        assertEquals(3, csv.size(), csv::toString);
        assertTrue(csv.get(0).startsWith("image,scale,width,height,skipped,bicubic_psnr_rgb,bicubic_psnr_y,"), csv.get(0));
        assertTrue(csv.get(2).startsWith(cli.image + ",3,39,30,," + String.format(Locale.ROOT, "%.6f",
                bicubicScores(3).psnrRgb()) + ","), csv.get(2));

        for (int scale : new int[] {2, 3}) {
            BufferedImage picture = ImageIO.read(pictures.resolve("compare-x" + scale + ".png").toFile());
            Rgb8 truth = photo.centreCrop(photo.width() / scale * scale, photo.height() / scale * scale);
            int[] centre = ComparisonPicture.detailCentre(photo);
            ComparisonPicture.Crop crop = ComparisonPicture.Crop.around(centre[0] - (photo.width() - truth.width()) / 2,
                    centre[1] - (photo.height() - truth.height()) / 2, scale, truth.width(), truth.height());
            int factor = Math.round((float) ComparisonPicture.PANEL_SIDE / crop.side());
            int side = crop.side() * factor;
            assertTrue(Math.abs(side - ComparisonPicture.PANEL_SIDE) <= factor * scale, "panel " + side);
            int gap = ComparisonPicture.GAP;
            assertEquals(gap + 5 * (side + gap), picture.getWidth(), "five panels at x" + scale);
            assertEquals(2 * gap + side + ComparisonPicture.LABEL_HEIGHT, picture.getHeight());
            // The last panel is the truth's crop, each pixel repeated factor × factor times.
            int x0 = gap + 4 * (side + gap);
            for (int y = 0; y < side; y += 7) {
                for (int x = 0; x < side; x += 5) {
                    int tx = crop.x() + x / factor;
                    int ty = crop.y() + y / factor;
                    int expected = truth.value(0, tx, ty) << 16 | truth.value(1, tx, ty) << 8 | truth.value(2, tx, ty);
                    assertEquals(expected, picture.getRGB(x0 + x, gap + y) & 0xffffff, "truth panel at " + x + "," + y);
                }
            }
        }
    }

    @Test
    @DisplayName("--liif-model without a FILE scores the bundled LIIF beside the bundled DIIF")
    void bundledLiif() {
        Run r = CliHarness.run("eval", "--images", cli.image.toString(), "--liif-model", "--backend", "java",
                "--scales", "2", "--quiet");
        assertEquals(0, r.exit(), r::toString);
        String header = r.out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("LIIF: edsr-baseline-liif, 1,567,299 parameters")
                && header.contains("DIIF: edsr-baseline-diif, 1,683,011 parameters"), header);
        List<String> row = cells(r.out(), "×2");
        assertEquals(String.format(Locale.ROOT, "%.2f", bicubicScores(2).psnrRgb()), row.get(2), row::toString);
        assertEquals(Double.parseDouble(row.get(3)) - Double.parseDouble(row.get(2)), Double.parseDouble(row.get(5)),
                0.0100001, row::toString);
    }

    @Test
    @DisplayName("without --liif-model there are no LIIF columns; a scale the image is too small for is skipped"
            + " and said so; --quiet leaves stderr empty")
    void skipsAndQuiet() {
        Run r = CliHarness.run("eval", "--images", dir.toString(), "--model", cli.model.toString(), "--backend", "java",
                "--scales", "2,12", "--label", "tiny set", "--quiet");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err());
        assertFalse(r.out().contains("LIIF"), r.out());
        assertTrue(r.out().lines().findFirst().orElseThrow().contains("images: tiny set (1)"), r.out());
        assertEquals(List.of("×12", "0", "—", "—", "—", "—", "—", "—", "—"), cells(r.out(), "×12"));
        assertTrue(r.out().contains("- Skipped at ×12, too small: input.png (input 3x2 under 4 px a side)."), r.out());
        assertEquals(String.format(Locale.ROOT, "%.2f", bicubicScores(2).psnrRgb()), cells(r.out(), "×2").get(2));
    }

    private static Path copy(String golden) throws Exception {
        Path file = dir.resolve(golden);
        if (!Files.exists(file)) {
            try (InputStream in = EvalCommandTest.class.getClassLoader().getResourceAsStream(Golden.resource(golden))) {
                Files.copy(in, file);
            }
        }
        return file;
    }

    /** The RGB PSNR of {@code model} on the protocol's input at {@code scale}, computed here through the API. */
    private static double psnr(Path model, int scale) {
        Rgb8 truth = photo.centreCrop(photo.width() / scale * scale, photo.height() / scale * scale);
        Rgb8 input = truth.resize(truth.width() / scale, truth.height() / scale);
        try (io.diif.DiifModel m = io.diif.DiifModel.builder().model(model).backend("java").build();
                io.diif.ImageRepresentation rep = m.encode(input.toUnit(), input.width(), input.height())) {
            return QualityMetrics.psnrRgb(truth, Rgb8.of(rep.render().size(truth.width(), truth.height()).toImage()), scale + 6);
        }
    }

    @Test
    @DisplayName("several models (--model A,B --model C) give one column each beside bicubic, named by file; a"
            + " fixed-scale model is scored at its own scale only")
    void severalModels() throws Exception {
        Path woSe = copy("model-diif-wo-se.safetensors");
        Path x2 = copy("model-edsr-x2.safetensors");
        Run r = CliHarness.run("eval", "--images", cli.image.toString(), "--model", cli.model + "," + woSe, "--model",
                x2.toString(), "--backend", "java", "--scales", "2,3");
        assertEquals(0, r.exit(), r::toString);
        List<String> names = List.of("model-diif-row", "model-diif-wo-se", "model-edsr-x2");
        List<String> header = cells(r.out(), "scale");
        assertEquals(List.of("PSNR bicubic", "PSNR model-diif-row", "PSNR model-diif-wo-se", "PSNR model-edsr-x2",
                "model-diif-row gain", "model-diif-wo-se gain", "model-edsr-x2 gain"), header.subList(2, 9));
        assertEquals(2 + 4 * 4 - 1, header.size(), header::toString);
        Path[] files = {cli.model, woSe, x2};
        for (int m = 0; m < 3; m++) {
            assertEquals(String.format(Locale.ROOT, "%.2f", psnr(files[m], 2)), cells(r.out(), "×2").get(3 + m),
                    names.get(m));
        }
        List<String> x3 = cells(r.out(), "×3");
        assertEquals(String.format(Locale.ROOT, "%.2f", psnr(woSe, 3)), x3.get(4));
        assertEquals(List.of("—", "—", "—", "—"), List.of(x3.get(5), x3.get(8), x3.get(12), x3.get(16)),
                "the x2 model has no x3 scores: " + x3);
        assertTrue(r.errLines().get(1).contains("model-edsr-x2 not at this scale"), r.errLines().get(1));
        assertTrue(r.out().lines().findFirst().orElseThrow().contains("model-edsr-x2: "), r.out());
        oneLineFailure(CliHarness.run("upscale", cli.image.toString(), dir.resolve("o.png").toString(), "--scale", "2",
                "--model", cli.model.toString(), "--model", woSe.toString()), 2, "--model given 2 times");
        oneLineFailure(CliHarness.run("eval", "--images", cli.image.toString(), "--model", cli.model + ",,"), 2,
                "--model has an empty entry");
    }

    @Test
    @DisplayName("bad arguments are one line with exit 2; missing and unreadable images are one line with exit 1")
    void failures() throws Exception {
        String image = cli.image.toString();
        String model = cli.model.toString();
        oneLineFailure(CliHarness.run("eval", "--model", model), 2, "eval needs --images");
        oneLineFailure(CliHarness.run("eval", "--images", image, "--scales", "2,0"), 2, "--scales",
                "whole numbers >= 1, was 0");
        oneLineFailure(CliHarness.run("eval", "--images", image, "--scales", "2,x"), 2, "--scales needs an integer");
        oneLineFailure(CliHarness.run("eval", "--images", image, "--scales", "4,4"), 2, "lists 4 twice");
        oneLineFailure(CliHarness.run("eval", "--images", image, "--max-side", "-3"), 2, "--max-side", "was -3");
        oneLineFailure(CliHarness.run("eval", "--images", image, "--scales", "2,3", "--pictures", dir.toString(),
                "--picture-scales", "4"), 2, "--picture-scales 4 is not one of --scales 2,3");
        oneLineFailure(CliHarness.run("eval", "--images", image, "--out", "r.csv"), 2, "--out", "r.csv");
        oneLineFailure(CliHarness.run("eval", "--images", dir.resolve("absent.png").toString(), "--model", model),
                1, "absent.png", "no such file");
        Path bad = dir.resolve("bad/broken.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        oneLineFailure(CliHarness.run("eval", "--images", bad.getParent().toString(), "--model", model, "--backend",
                "java", "--scales", "2", "--quiet"), 1, bad.toString(), "PNG");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        oneLineFailure(CliHarness.run("eval", "--images", empty.toString(), "--model", model), 1, "no image files");
    }
}
