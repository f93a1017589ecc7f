package io.diif.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code diif batch}: upscales every file under a directory with Spark, locally or on a cluster. Exit 0
 * when the job ran (rows may still be errors: see the manifest), 1 when it could not run, 2 for bad
 * arguments; each failure is one line on stderr.
 */
@Command(name = "diif batch", sortOptions = false, usageHelpAutoWidth = true,
        description = "Upscales every file under --input with Apache Spark: OUTPUT/<relative path>.png for each"
                + " image, OUTPUT/manifest.csv (path,status,width,height,seconds,error) for every file.")
public final class BatchCommand implements Callable<Integer> {
    /** JVM property naming the jar executors of a cluster need (set by the {@code diif} launcher). */
    static final String JARS_PROPERTY = "diif.spark.jars";

    @Spec
    private CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "directory read recursively")
    private Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "where PNGs and manifest.csv go")
    private Path output;

    @Option(names = "--scale", paramLabel = "S|SXxSY", description = "scale factor, or one per axis")
    private String scale;

    @Option(names = "--size", paramLabel = "WxH", description = "exact output size for every image")
    private String size;

    @Option(names = "--model", paramLabel = "FILE",
            description = "model file, read here and broadcast to executors (default: the bundled model)")
    private Path model;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "onnx (default here), pytorch, tensorflow, java; must be on the executors' class path")
    private String backend = "onnx";

    @Option(names = "--master", paramLabel = "URL",
            description = "local[*] (default, or spark-submit's --master), local[N], spark://HOST:PORT")
    private String master;

    @Option(names = "--partitions", paramLabel = "N", description = "tasks (default: 4 per core, at most one per file)")
    private Integer partitions;

    @Option(names = "--max-pixels", paramLabel = "N", description = "output pixel limit per image (default 8192²)")
    private long maxPixels = Upscaler.DEFAULT_MAX_OUTPUT_PIXELS;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Spark setting, as spark-submit's --conf")
    private List<String> conf = new ArrayList<>();

    @Option(names = "--verbose", description = "Spark's and the engines' logs, stack traces")
    private boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    private boolean help;

    private final PrintStream out;

    BatchCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs {@code diif batch} and exits with its code.
     *
     * @param args the command line, as {@code diif batch --help} describes it
     */
    public static void main(String[] args) {
        boolean verbose = List.of(args).contains("--verbose");
        // Spark logs INFO to the console by default; a batch run prints one summary line unless --verbose.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:io/diif/spark/batch-log4j2.properties");
        }
        System.setProperty("diif.batch.log.level", verbose ? "info" : "error");
        System.exit(run(args, System.out, System.err));
    }

    /** Parses and runs; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new BatchCommand(out));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("diif batch: " + UpscaleFunction.printable(e.getMessage())
                    + " (run 'diif batch --help' for usage)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            err.println("diif batch: error: " + UpscaleFunction.message(rootCause(e)));
            if (List.of(args).contains("--verbose")) {
                e.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        Upscaler upscaler = new Upscaler().setBackend(backend).setMaxOutputPixels(checkedMaxPixels());
        setSize(upscaler);
        if (partitions != null && partitions < 1) {
            throw usage("--partitions must be >= 1, was " + partitions);
        }
        if (!Files.isDirectory(input)) {
            throw usage("--input " + input + (Files.exists(input) ? ": not a directory" : ": no such directory"));
        }
        byte[] modelBytes = model == null ? null : readModel();
        checkWritable();
        long started = System.nanoTime();
        // Under spark-submit, its --master arrives as the spark.master property and must not be overridden.
        String master = this.master != null ? this.master : System.getProperty("spark.master", "local[*]");
        SparkSession.Builder builder = SparkSession.builder().appName("diif batch").master(master)
                .config("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("local")) {
            // One JVM: the driver needs no address but loopback (a --conf below still overrides this).
            builder.config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        } else if (System.getProperty(JARS_PROPERTY) != null) {
            builder.config("spark.jars", System.getProperty(JARS_PROPERTY));
        }
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw usage("--conf must be KEY=VALUE, was '" + kv + "'");
            }
            builder.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        SparkSession spark = builder.getOrCreate();
        try {
            if (modelBytes != null) {
                upscaler.setModelBytes(JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(modelBytes));
            }
            List<BatchJob.Entry> entries = BatchJob.run(spark, input, output, upscaler,
                    partitions == null ? 0 : partitions);
            long ok = entries.stream().filter(BatchJob.Entry::ok).count();
            out.printf(Locale.ROOT, "diif batch: %d files: %d ok, %d errors in %.1f s -> %s%n", entries.size(), ok,
                    entries.size() - ok, (System.nanoTime() - started) / 1e9, output.resolve(BatchJob.MANIFEST));
            return 0;
        } finally {
            spark.stop();
        }
    }

    private long checkedMaxPixels() {
        if (maxPixels <= 0 || maxPixels > DiifAdapter.apiMaxOutputPixels()) {
            throw usage("--max-pixels must be in 1.." + DiifAdapter.apiMaxOutputPixels() + ", was " + maxPixels);
        }
        return maxPixels;
    }

    private void setSize(Upscaler upscaler) {
        if ((scale == null) == (size == null)) {
            throw usage("give exactly one of --scale S and --size WxH");
        }
        try {
            if (size != null) {
                String[] wh = size.toLowerCase(Locale.ROOT).split("x", -1);
                if (wh.length != 2) {
                    throw usage("--size must be WxH, was '" + size + "'");
                }
                upscaler.setSize(Integer.parseInt(wh[0].trim()), Integer.parseInt(wh[1].trim()));
            } else {
                String[] s = scale.toLowerCase(Locale.ROOT).split("x", -1);
                if (s.length > 2) {
                    throw usage("--scale must be S or SXxSY, was '" + scale + "'");
                }
                double sx = Double.parseDouble(s[0].trim());
                upscaler.setScale(sx, s.length == 2 ? Double.parseDouble(s[1].trim()) : sx);
            }
        } catch (NumberFormatException e) {
            throw usage("not a number in " + (size != null ? "--size '" + size : "--scale '" + scale) + "'");
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private byte[] readModel() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw usage("--model " + model + (Files.exists(model) ? ": not a file" : ": no such file"));
        }
        byte[] bytes = Files.readAllBytes(model);
        DiifAdapter.checkModel(bytes, model.toString());
        return bytes;
    }

    /** Creates the output directory and proves a file can be written there, before Spark starts. */
    private void checkWritable() throws IOException {
        try {
            Files.createDirectories(output);
            Path probe = Files.createTempFile(output, ".diif-batch-", ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("--output " + output + " is not writable: " + UpscaleFunction.message(e), e);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        // Spark wraps a task's failure in a SparkException whose message holds the whole remote stack trace.
        while (t.getCause() != null && t.getCause() != t && t.getClass().getName().startsWith("org.apache.spark")) {
            t = t.getCause();
        }
        return t;
    }
}
