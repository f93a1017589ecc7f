package io.diif.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.DiifModel;
import io.diif.internal.imaging.ImageFiles;
import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer in a local[2] session over a folder of real photos with bad files mixed in. */
class UpscalerTest {
    @TempDir
    static Path dir;
    private static Path photos;
    private static SparkSession spark;
    private static DiifModel reference;

    @BeforeAll
    static void start() throws IOException {
        photos = dir.resolve("photos");
        TestImages.writeFolder(photos);
        spark = SparkSession.builder().master("local[2]").appName("UpscalerTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        reference = TestImages.defaultModel();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (reference != null) {
            reference.close();
        }
    }

    private static Map<String, Row> byRelativePath(Dataset<Row> out) {
        Map<String, Row> rows = new HashMap<>();
        String prefix = photos.toUri().toString().replace("file:///", "file:/");
        for (Row r : out.select("path", "upscaled").collectAsList()) {
            String path = r.getString(0).replace("file:///", "file:/");
            assertTrue(path.startsWith(prefix), path + " under " + prefix);
            Row previous = rows.put(path.substring(prefix.length()), r.getStruct(1));
            assertNull(previous, "path twice in the output: " + path);
        }
        return rows;
    }

    @Test
    void binaryFilesBecomeOnePngOrOneErrorEach() throws IOException {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(photos.toString()).repartition(4);
        Map<String, Row> rows = byRelativePath(new Upscaler().setScale(2).setBackend("onnx").transform(files));

        // Spark's binaryFile source leaves zero-byte files out (diif batch lists files itself for that).
        java.util.Set<String> expected = new java.util.TreeSet<>(TestImages.allPaths());
        expected.remove("bad/empty.jpg");
        assertEquals(expected, new java.util.TreeSet<>(rows.keySet()));
        for (String p : TestImages.PHOTOS) {
            Row r = rows.get(p);
            assertEquals("ok", r.getAs("status"), p + ": " + r.getAs("error"));
            assertNull(r.getAs("error"));
            BufferedImage in = ImageFiles.read(photos.resolve(p));
            BufferedImage out = TestImages.read(r.getAs("png"));
            assertEquals(2 * in.getWidth(), out.getWidth(), p);
            assertEquals(2 * in.getHeight(), out.getHeight(), p);
            assertEquals(out.getWidth(), (int) r.<Integer>getAs("width"));
            assertEquals(out.getHeight(), (int) r.<Integer>getAs("height"));
            assertTrue(r.<Double>getAs("seconds") > 0, p);
        }
        TestImages.BAD.forEach((p, word) -> {
            Row r = rows.get(p);
            if (p.equals("bad/empty.jpg")) {
                return;
            }
            assertEquals("error", r.getAs("status"), p);
            assertNull(r.getAs("png"), p);
            assertTrue(r.<String>getAs("error").contains(word), p + ": '" + r.getAs("error") + "' lacks " + word);
        });
        for (String p : List.of("01-parrot.png", "07-face_1024x768.jpg", "more/09-camera.png")) {
            BufferedImage in = ImageFiles.read(photos.resolve(p));
            Path want = TestImages.reference(reference, photos.resolve(p), 2 * in.getWidth(),
                    2 * in.getHeight(), dir.resolve("reference.png"));
            TestImages.assertSamePixels(ImageFiles.read(want), TestImages.read(rows.get(p).getAs("png")), p);
        }
    }

    @Test
    void modelIsLoadedOncePerJvmAndSharedByTasks() {
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.resolve("more").toString())
                .repartition(4);
        Upscaler upscaler = new Upscaler().setScale(1.5).setBackend("onnx");
        upscaler.transform(files).select("upscaled.status").collectAsList();
        int loads = ExecutorModels.loads();
        List<Row> again = upscaler.transform(files).select("upscaled.status").collectAsList();
        assertEquals(4, again.size());
        assertEquals(loads, ExecutorModels.loads(), "four tasks on two threads, a second job: no new load");
    }

    @Test
    void imageSourceStructsGiveTheSamePixelsAsFiles() throws IOException {
        Path some = Files.createDirectories(dir.resolve("struct"));
        for (String p : List.of("01-parrot.png", "more/09-camera.png")) {
            Files.copy(photos.resolve(p), some.resolve(Path.of(p).getFileName()));
        }
        Files.writeString(some.resolve("notes.txt"), "no image");
        Dataset<Row> images = spark.read().format("image").option("dropInvalid", "false").load(some.toString());
        List<Row> rows = new Upscaler().setInputCol("image").setOutputCol("big").setSize(50, 30).setBackend("onnx")
                .transform(images).select("image.origin", "big").collectAsList();
        assertEquals(3, rows.size());
        for (Row r : rows) {
            String origin = r.getString(0);
            Row big = r.getStruct(1);
            if (origin.endsWith("notes.txt")) {
                assertEquals("error", big.getAs("status"));
                assertTrue(big.<String>getAs("error").contains("not an image"), big.<String>getAs("error"));
                continue;
            }
            assertEquals("ok", big.getAs("status"), origin + ": " + big.getAs("error"));
            Path file = some.resolve(origin.substring(origin.lastIndexOf('/') + 1));
            Path expected = TestImages.reference(reference, file, 50, 30, dir.resolve("struct-ref.png"));
            TestImages.assertSamePixels(ImageFiles.read(expected), TestImages.read(big.getAs("png")), origin);
        }
    }

    @Test
    void broadcastBytesAndAPathGiveTheModelsOwnPixels() throws IOException {
        byte[] model;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream(Golden.resource("model-diif-row.safetensors"))) {
            model = in.readAllBytes();
        }
        Path modelFile = dir.resolve("golden.safetensors");
        Files.write(modelFile, model);
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.resolve("more").toString());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Upscaler broadcast = new Upscaler().setModelBytes(jsc.broadcast(model)).setScale(3, 2).setBackend("onnx");
        Upscaler path = new Upscaler().setModelPath(modelFile.toString()).setScale(3, 2).setBackend("onnx");
        assertTrue(broadcast.modelSource().key().startsWith("sha256:" + Upscaler.sha256(model)));
        Map<String, Row> a = byRelativePath(broadcast.transform(files));
        Map<String, Row> b = byRelativePath(path.transform(files));
        try (DiifModel golden = DiifModel.builder().model(modelFile).backend("onnx").build()) {
            for (String p : List.of("04-graf1.png", "19-ascent_512.jpg")) {
                BufferedImage in = ImageFiles.read(photos.resolve("more").resolve(p));
                Path expected = TestImages.reference(golden, photos.resolve("more").resolve(p), 3 * in.getWidth(),
                        2 * in.getHeight(), dir.resolve("golden-ref.png"));
                BufferedImage want = ImageFiles.read(expected);
                assertEquals("ok", a.get("more/" + p).getAs("status"), String.valueOf(a.get("more/" + p)));
                TestImages.assertSamePixels(want, TestImages.read(a.get("more/" + p).getAs("png")), "broadcast " + p);
                TestImages.assertSamePixels(want, TestImages.read(b.get("more/" + p).getAs("png")), "path " + p);
            }
        }
    }

    @Test
    void rowsOverTheOutputLimitAreErrorsNotFailures() {
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.resolve("more").toString());
        List<Row> rows = new Upscaler().setScale(4).setMaxOutputPixels(10_000).setBackend("onnx").transform(files)
                .select("upscaled.status", "upscaled.error").collectAsList();
        assertEquals(4, rows.size());
        for (Row r : rows) {
            assertEquals("error", r.getString(0));
            assertTrue(r.getString(1).contains("exceeds the limit of 10000"), r.getString(1));
        }
    }

    @Test
    void badSettingsFailBeforeAnyTaskRuns() {
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.resolve("more").toString());
        IllegalArgumentException noSize = assertThrows(IllegalArgumentException.class,
                () -> new Upscaler().transform(files));
        assertTrue(noSize.getMessage().contains("setScale"), noSize.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
                () -> new Upscaler().setScale(2).setInputCol("path").transform(files));
        assertTrue(column.getMessage().contains("'path' must be binary"), column.getMessage());
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> new Upscaler().setScale(2).setOutputCol("length").transform(files));
        assertTrue(taken.getMessage().contains("'length' already exists"), taken.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Upscaler().setScale(0));
        assertThrows(IllegalArgumentException.class, () -> new Upscaler().setSize(10, -1));
        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class,
                () -> new Upscaler().setMaxOutputPixels(1L << 40));
        assertTrue(limit.getMessage().contains("1099511627776"), limit.getMessage());
        RuntimeException model = assertThrows(RuntimeException.class, () -> new Upscaler()
                .setModelBytes(JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new byte[] {1, 2})));
        assertTrue(model.getMessage().contains("broadcast model"), model.getMessage());
    }

    @Test
    void aModelExecutorsCannotReadFailsTheJobNotTheRows() {
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.resolve("more").toString());
        Upscaler missing = new Upscaler().setModelPath(dir.resolve("missing.safetensors").toString()).setScale(2)
                .setBackend("onnx");
        Exception e = assertThrows(Exception.class, () -> missing.transform(files).collectAsList());
        assertTrue(e.getMessage().contains("missing.safetensors"), e.getMessage());
    }

    @Test
    void copiesKeepParamsAndBroadcastBytes() {
        Upscaler u = new Upscaler().setSize(30, 20).setBackend("java");
        Upscaler c = u.copy(new org.apache.spark.ml.param.ParamMap());
        assertEquals(u.uid(), c.uid());
        assertEquals("30x20", c.outputSize().toString());
        assertEquals("default@java", c.modelSource().key());
        assertNotNull(c.explainParams());
    }
}
