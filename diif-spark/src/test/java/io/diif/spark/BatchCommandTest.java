package io.diif.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.DiifModel;
import io.diif.internal.imaging.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diif batch} in local mode: the contract, over 20 real photos and bad files. */
class BatchCommandTest {
    @TempDir
    Path dir;

    /** Exit code, stdout, stderr of one in-process run. */
    record Run(int code, String out, String err) {
    }

    static Run batch(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BatchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The manifest's rows by path, each checked to have six fields; fails on a path listed twice. */
    static Map<String, String[]> manifest(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output.resolve("manifest.csv"), StandardCharsets.UTF_8);
        assertEquals("path,status,width,height,seconds,error", lines.get(0));
        Map<String, String[]> rows = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = parseCsv(line);
            assertEquals(6, f.length, line);
            assertTrue(rows.put(f[0], f) == null, "listed twice: " + f[0]);
        }
        return rows;
    }

    /** One RFC 4180 line (no embedded line breaks: messages are one line). */
    static String[] parseCsv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields.toArray(String[]::new);
    }

    /**
     * The acceptance check of the issue, shared with the cluster test: exit 0, one PNG per photo of twice the
     * size with the pixels {@code diif upscale} writes, every input once in the manifest, an error row per
     * bad file, no temporary file left.
     */
    static void assertBatchOutput(Run run, Path input, Path output, Path scratch) throws IOException {
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("diif batch: 26 files: 20 ok, 6 errors in "), run.out());
        Map<String, String[]> rows = manifest(output);
        assertEquals(new java.util.TreeSet<>(TestImages.allPaths()), rows.keySet());
        List<String> written = new ArrayList<>();
        try (DiifModel model = TestImages.defaultModel()) {
            for (String p : TestImages.PHOTOS) {
                String[] row = rows.get(p);
                assertEquals("ok", row[1], p + ": " + row[5]);
                assertEquals("", row[5]);
                assertTrue(Double.parseDouble(row[4]) > 0, p);
                BufferedImage in = ImageFiles.read(input.resolve(p));
                int w = 2 * in.getWidth();
                int h = 2 * in.getHeight();
                assertEquals(List.of(String.valueOf(w), String.valueOf(h)), List.of(row[2], row[3]), p);
                String png = BatchJob.pngName(p);
                written.add(png);
                Path expected = TestImages.reference(model, input.resolve(p), w, h, scratch.resolve("ref.png"));
                TestImages.assertSamePixels(ImageFiles.read(expected), ImageFiles.read(output.resolve(png)), p);
            }
        }
        TestImages.BAD.forEach((p, word) -> {
            String[] row = rows.get(p);
            assertEquals(List.of("error", "", ""), List.of(row[1], row[2], row[3]), p);
            assertTrue(row[5].contains(word), p + ": '" + row[5] + "' lacks " + word);
        });
        written.add("manifest.csv");
        assertEquals(written.stream().sorted().toList(), TestImages.files(output),
                "one PNG per photo and the manifest, nothing else (no .part file)");
    }

    @Test
    void upscalesAFolderOfPhotosWithBadFilesMixedIn() throws IOException {
        Path input = dir.resolve("in");
        Path output = dir.resolve("out");
        TestImages.writeFolder(input);
        Run run = batch("--input", input.toString(), "--output", output.toString(), "--scale", "2",
                "--master", "local[2]", "--partitions", "5");
        assertBatchOutput(run, input, output, Files.createDirectories(dir.resolve("scratch")));
    }

    @Test
    void hiddenFilesAreReadAndClashingOutputsRefused() throws IOException {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.write(input.resolve("photo.jpg"), TestImages.photo("03-chicky_512.jpg"));
        Files.write(input.resolve("photo.png"), TestImages.photo("01-parrot.png"));
        Files.write(input.resolve(".hidden.png"), TestImages.photo("01-parrot.png"));
        Files.write(input.resolve("_underscore.png"), TestImages.photo("01-parrot.png"));
        Path model = dir.resolve("model, \"quoted\".safetensors");
        try (var in = getClass().getClassLoader().getResourceAsStream(
                io.diif.tck.Golden.resource("model-diif-row.safetensors"))) {
            Files.write(model, in.readAllBytes());
        }
        Path output = input.resolve("out"); // inside the input: its files are not read back
        Files.createDirectories(output);
        Files.writeString(output.resolve("old.png"), "left from an earlier run");
        Run run = batch("--input", input.toString(), "--output", output.toString(), "--size", "33x17",
                "--model", model.toString(), "--backend", "onnx", "--master", "local[1]");
        assertEquals(0, run.code(), run.err());
        Map<String, String[]> rows = manifest(output);
        assertEquals(List.of(".hidden.png", "_underscore.png", "photo.jpg", "photo.png"), List.copyOf(rows.keySet()));
        String[] jpg = rows.get("photo.jpg");
        assertEquals(List.of("ok", "33", "17"), List.of(jpg[1], jpg[2], jpg[3]));
        assertEquals("error", rows.get("photo.png")[1]);
        assertEquals("output photo.png is already written for photo.jpg; rename one of them", rows.get("photo.png")[5]);
        assertEquals("ok", rows.get(".hidden.png")[1]);
        assertEquals(33, ImageFiles.read(output.resolve("_underscore.png")).getWidth());
    }

    @Test
    void argumentsAndDirectoriesAreCheckedBeforeSparkStarts() throws IOException {
        Path input = Files.createDirectories(dir.resolve("in"));
        Run noSize = batch("--input", input.toString(), "--output", dir.resolve("o").toString());
        assertEquals(2, noSize.code());
        assertEquals("diif batch: give exactly one of --scale S and --size WxH (run 'diif batch --help' for usage)\n",
                noSize.err());
        Run missing = batch("--input", dir.resolve("nope").toString(), "--output", dir.resolve("o").toString(),
                "--scale", "2");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope: no such directory"), missing.err());
        assertEquals(1, missing.err().lines().count(), missing.err());
        Run badScale = batch("--input", input.toString(), "--output", dir.resolve("o").toString(), "--scale", "-1");
        assertEquals(2, badScale.code());
        assertTrue(badScale.err().contains("scaleX must be finite and > 0, was -1.0"), badScale.err());
        Run badSize = batch("--input", input.toString(), "--output", dir.resolve("o").toString(), "--size", "12");
        assertEquals(2, badSize.code());
        assertTrue(badSize.err().contains("--size must be WxH, was '12'"), badSize.err());
        Run unknown = batch("--input", input.toString(), "--output", dir.resolve("o").toString(), "--scale", "2",
                "--frobnicate");
        assertEquals(2, unknown.code());
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Run notWritable = batch("--input", input.toString(), "--output", file.resolve("sub").toString(),
                "--scale", "2");
        assertEquals(1, notWritable.code());
        assertTrue(notWritable.err().startsWith("diif batch: error: --output " + file.resolve("sub")
                + " is not writable"), notWritable.err());
        assertEquals(1, notWritable.err().lines().count(), notWritable.err());
        Run badModel = batch("--input", input.toString(), "--output", dir.resolve("o").toString(), "--scale", "2",
                "--model", file.toString());
        assertEquals(1, badModel.code());
        assertTrue(badModel.err().contains("a-file"), badModel.err());
        Run help = batch("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--partitions"), help.out());
    }

    @Test
    void aJobThatCannotRunExitsOneWithOneLine() throws IOException {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.write(input.resolve("photo.png"), TestImages.photo("01-parrot.png"));
        Run run = batch("--input", input.toString(), "--output", dir.resolve("out").toString(), "--scale", "2",
                "--backend", "nosuch", "--master", "local[1]");
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().startsWith("diif batch: error: ") && run.err().contains("nosuch"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(Files.notExists(dir.resolve("out").resolve("manifest.csv")));
    }

    @Test
    void anEmptyFolderGivesAnEmptyManifest() throws IOException {
        Path input = Files.createDirectories(dir.resolve("in"));
        Path output = dir.resolve("out");
        Run run = batch("--input", input.toString(), "--output", output.toString(), "--scale", "2",
                "--master", "local[1]");
        assertEquals(0, run.code(), run.err());
        assertEquals("path,status,width,height,seconds,error\n", Files.readString(output.resolve("manifest.csv")));
    }
}
