package io.diif.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput and memory of {@code diif batch} (not a test): images per second and peak RSS per executor for
 * a plain single-JVM loop, local[1], local[2] and a two-worker standalone cluster on this machine, same
 * images, model and backend. Each configuration runs in a JVM of its own, twice per round (cold: model load
 * and JIT included; warm: the same job again), rounds alternate the order.
 *
 * <pre>
 * java [Spark's --add-opens flags] -cp TEST_CLASS_PATH io.diif.spark.BatchBenchmark \
 *     PHOTO_DIR IMAGES SIDE SCALE ROUNDS [plain,local[1],local[2],cluster]
 * </pre>
 */
public final class BatchBenchmark {
    private static final List<String> CONFIGS = List.of("plain", "local[1]", "local[2]", "cluster");

    private BatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        Path photos = Path.of(args[0]);
        int images = Integer.parseInt(args[1]);
        int side = Integer.parseInt(args[2]);
        String scale = args[3];
        int rounds = Integer.parseInt(args[4]);
        List<String> configs = args.length > 5 ? List.of(args[5].split(",")) : CONFIGS;
        Path work = Files.createTempDirectory("diif-bench-");
        Path input = crops(photos, work.resolve("in"), images, side);
        Path clusterJar = Path.of("target/diif-spark-cluster.jar").toAbsolutePath();
        List<String> lines = new ArrayList<>();
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(work.resolve("cluster"), 2, 1, "2g")) {
            for (int r = 0; r < rounds; r++) {
                List<String> order = new ArrayList<>(configs);
                if (r % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (String config : order) {
                    String line = runChild(config, input, work.resolve("out-" + r + "-" + config.replaceAll("\\W", "")),
                            scale, cluster, clusterJar);
                    System.out.println("round " + (r + 1) + " " + line);
                    lines.add(line);
                }
            }
        }
        System.out.println("| config | images | cold s | warm s | images/s (warm) | busy % | peak RSS MiB |");
        System.out.println("|---|---|---|---|---|---|---|");
        lines.stream().sorted().forEach(l -> System.out.println("| " + String.join(" | ", l.split(" ")) + " |"));
    }

    /** {@code count} crops of {@code side}² pixels from the photos, PNG. */
    private static Path crops(Path photos, Path dir, int count, int side) throws IOException {
        Files.createDirectories(dir);
        List<Path> files;
        try (Stream<Path> list = Files.list(photos)) {
            files = list.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        for (int i = 0; i < count; i++) {
            BufferedImage img = ImageIO.read(files.get(i % files.size()).toFile());
            int round = i / files.size();
            int x = (img.getWidth() - side) * (round % 3 + 1) / 4;
            int y = (img.getHeight() - side) * ((round + 1) % 3 + 1) / 4;
            BufferedImage crop = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            crop.getGraphics().drawImage(img.getSubimage(x, y, side, side), 0, 0, null);
            ImageIO.write(crop, "png", dir.resolve(String.format(Locale.ROOT, "%03d.png", i)).toFile());
        }
        return dir;
    }

    private static String runChild(String config, Path input, Path output, String scale,
            LocalStandaloneCluster cluster, Path clusterJar) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Ddiif.")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BatchBenchmark.class.getName(), "child",
                config, input.toString(), output.toString(), scale, cluster.url(), clusterJar.toString(),
                cluster.sparkClassPath()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(config + " failed: " + out);
        }
        return out.lines().filter(l -> l.startsWith(config + " ")).findFirst().orElseThrow(
                () -> new IllegalStateException(config + ": no result in " + out));
    }

    /** One configuration: prints {@code config images cold warm images/s busy% rssMiB}. */
    private static void child(String[] a) throws Exception {
        String config = a[1];
        Path input = Path.of(a[2]);
        Path output = Path.of(a[3]);
        String[] s = a[4].split("x");
        double sx = Double.parseDouble(s[0]);
        double sy = s.length > 1 ? Double.parseDouble(s[1]) : sx;
        List<Path> files;
        try (Stream<Path> list = Files.list(input)) {
            files = list.sorted().toList();
        }
        double[] seconds = new double[2];
        double busy = 0;
        long rss;
        if (config.equals("plain")) {
            UpscaleFunction f = new UpscaleFunction(ModelSource.defaultModel("onnx"), OutputSize.scale(sx, sy),
                    Upscaler.DEFAULT_MAX_OUTPUT_PIXELS, DiifAdapter.defaultMaxInputPixels());
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                double rows = 0;
                for (Path file : files) {
                    org.apache.spark.sql.Row r = f.call(Files.readAllBytes(file));
                    if (!"ok".equals(r.getString(3))) {
                        throw new IllegalStateException(file + ": " + r.getString(4));
                    }
                    Path out = output.resolve(pass + "").resolve(BatchJob.pngName(file.getFileName().toString()));
                    AtomicFiles.write(out, (byte[]) r.get(0));
                    rows += r.getDouble(5);
                }
                seconds[pass] = (System.nanoTime() - t0) / 1e9;
                busy = rows / seconds[pass];
            }
            rss = peakRssKib(ProcessHandle.current().pid());
        } else {
            SparkSession.Builder b = SparkSession.builder().appName("diif bench " + config)
                    .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false");
            int slots;
            if (config.equals("cluster")) {
                b.master(a[5]).config("spark.jars", a[6]).config("spark.executor.extraClassPath", a[7])
                        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.executor.memory", "1500m");
                slots = 2;
            } else {
                b.master(config);
                slots = Integer.parseInt(config.replaceAll("\\D", ""));
            }
            SparkSession spark = b.getOrCreate();
            try {
                Upscaler up = new Upscaler().setScale(sx, sy).setBackend("onnx");
                for (int pass = 0; pass < 2; pass++) {
                    long t0 = System.nanoTime();
                    List<BatchJob.Entry> entries = BatchJob.run(spark, input, output.resolve(pass + ""), up, 0);
                    seconds[pass] = (System.nanoTime() - t0) / 1e9;
                    double rows = entries.stream().mapToDouble(BatchJob.Entry::seconds).sum();
                    if (entries.stream().anyMatch(e -> !e.ok())) {
                        throw new IllegalStateException("errors: " + entries);
                    }
                    busy = rows / (seconds[pass] * slots);
                }
                rss = config.equals("cluster") ? executorsPeakRssKib(spark.sparkContext().applicationId())
                        : peakRssKib(ProcessHandle.current().pid());
            } finally {
                spark.stop();
            }
        }
        System.out.printf(Locale.ROOT, "%s %d %.2f %.2f %.2f %.0f %d%n", config, files.size(), seconds[0], seconds[1],
                files.size() / seconds[1], 100 * busy, rss / 1024);
    }

    /** The largest VmHWM among this application's executor processes. */
    private static long executorsPeakRssKib(String appId) {
        // /proc/PID/cmdline itself: ProcessHandle.Info leaves out command lines as long as an executor's.
        return ProcessHandle.allProcesses().filter(h -> {
            String c = commandLine(h.pid());
            return c.contains("CoarseGrainedExecutorBackend") && c.contains(appId);
        }).mapToLong(h -> peakRssKib(h.pid())).max().orElse(-1);
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
