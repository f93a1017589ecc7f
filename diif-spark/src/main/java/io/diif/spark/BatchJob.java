package io.diif.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code diif batch} job: every file under an input directory, upscaled by an {@link Upscaler}, each
 * success written as {@code OUTPUT/<relative path>.png} and every file listed once in
 * {@code OUTPUT/manifest.csv}. The driver lists the files (so none is skipped, hidden ones included);
 * tasks read, upscale and write them, so executors need the input and output directories at the same paths
 * (a shared file system on a real cluster).
 */
final class BatchJob {
    static final String MANIFEST = "manifest.csv";
    static final String MANIFEST_HEADER = "path,status,width,height,seconds,error";
    /** Files larger than this are error rows instead of byte arrays that could exhaust an executor's heap. */
    static final long MAX_FILE_BYTES = 1L << 30;

    private static final StructType FILES = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("relative", DataTypes.StringType, false)
            .add("output", DataTypes.StringType, true)
            .add("refusal", DataTypes.StringType, true)
            .add("content", DataTypes.BinaryType, true);

    private BatchJob() {
    }

    /** One input file's line of the manifest. */
    record Entry(String path, String status, Integer width, Integer height, double seconds, String error)
            implements Serializable {
        boolean ok() {
            return UpscaleFunction.OK.equals(status);
        }

        String csv() {
            return String.join(",", quote(path), status, width == null ? "" : width.toString(),
                    height == null ? "" : height.toString(), String.format(Locale.ROOT, "%.3f", seconds),
                    error == null ? "" : quote(error));
        }

        private static String quote(String s) {
            if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
                return s;
            }
            return '"' + s.replace("\"", "\"\"") + '"';
        }
    }

    /** An input file: where it is, its path relative to the input directory, the output it gets (or why not). */
    record Input(String path, String relative, String output, String refusal) implements Serializable {
    }

    /** Runs the job and writes the manifest; returns the entries, in the manifest's order. */
    static List<Entry> run(SparkSession spark, Path inputDir, Path outputDir, Upscaler upscaler, int partitions)
            throws IOException {
        List<Input> inputs = list(inputDir, outputDir);
        List<Entry> entries = new ArrayList<>(inputs.size());
        if (!inputs.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int slices = partitions > 0 ? partitions
                    : Math.max(1, Math.min(inputs.size(), 4 * jsc.defaultParallelism()));
            JavaRDD<Row> files = jsc.parallelize(inputs, slices).mapPartitions(new ReadFiles());
            Dataset<Row> upscaled = upscaler.copy(new org.apache.spark.ml.param.ParamMap())
                    .setInputCol("content").setOutputCol("upscaled")
                    .transform(spark.createDataFrame(files, FILES));
            entries.addAll(upscaled.toJavaRDD().map(new WriteOutput(outputDir.toAbsolutePath().toString()))
                    .collect());
        }
        entries.sort(Comparator.comparing(Entry::path));
        StringBuilder csv = new StringBuilder(MANIFEST_HEADER).append('\n');
        for (Entry e : entries) {
            csv.append(e.csv()).append('\n');
        }
        AtomicFiles.write(outputDir.resolve(MANIFEST), csv.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.deleteLeftovers(outputDir);
        return entries;
    }

    /**
     * Every regular file under {@code inputDir} but those under {@code outputDir}, sorted by relative path
     * ({@code /}-separated). Two files whose outputs would share a name (a.jpg and a.png): the first keeps
     * it, the others are refused with a message naming it.
     */
    static List<Input> list(Path inputDir, Path outputDir) throws IOException {
        Path root = inputDir.toAbsolutePath().normalize();
        Path skip = outputDir.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> !p.startsWith(skip) && Files.isRegularFile(p)).toList();
        }
        List<String[]> named = new ArrayList<>();
        for (Path p : files) {
            named.add(new String[] {p.toString(), root.relativize(p).toString().replace('\\', '/')});
        }
        named.sort(Comparator.comparing(n -> n[1]));
        Map<String, String> claimed = new HashMap<>();
        List<Input> inputs = new ArrayList<>(named.size());
        for (String[] n : named) {
            String output = pngName(n[1]);
            String owner = claimed.putIfAbsent(output, n[1]);
            inputs.add(owner == null ? new Input(n[0], n[1], output, null)
                    : new Input(n[0], n[1], null, "output " + output + " is already written for " + owner
                            + "; rename one of them"));
        }
        return inputs;
    }

    /** {@code a/b.jpg -> a/b.png}; a name without extension gets {@code .png} appended. */
    static String pngName(String relative) {
        int slash = relative.lastIndexOf('/');
        int dot = relative.lastIndexOf('.');
        return (dot > slash + 1 ? relative.substring(0, dot) : relative) + ".png";
    }

    /** Reads each file's bytes in the task; a file that cannot be read gets its reason and no content. */
    static final class ReadFiles implements FlatMapFunction<Iterator<Input>, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Input> inputs) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return inputs.hasNext();
                }

                @Override
                public Row next() {
                    Input in = inputs.next();
                    if (in.refusal() != null) {
                        return RowFactory.create(in.path(), in.relative(), null, in.refusal(), null);
                    }
                    try {
                        return RowFactory.create(in.path(), in.relative(), in.output(), null, read(Path.of(in.path())));
                    } catch (IOException | RuntimeException e) {
                        return RowFactory.create(in.path(), in.relative(), in.output(),
                                "cannot read the file: " + UpscaleFunction.message(e), null);
                    }
                }
            };
        }

        private static byte[] read(Path file) throws IOException {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IOException(size + " bytes, more than the limit of " + MAX_FILE_BYTES);
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readAllBytes();
            }
        }
    }

    /** Writes each success atomically under the output directory and describes every row for the manifest. */
    static final class WriteOutput implements Function<Row, Entry> {
        private static final long serialVersionUID = 1L;
        private final String outputDir;

        WriteOutput(String outputDir) {
            this.outputDir = outputDir;
        }

        @Override
        public Entry call(Row row) {
            String relative = row.getString(row.fieldIndex("relative"));
            String refusal = row.getString(row.fieldIndex("refusal"));
            Row result = row.getStruct(row.fieldIndex("upscaled"));
            double seconds = result.getDouble(result.fieldIndex("seconds"));
            if (refusal != null) {
                return new Entry(relative, UpscaleFunction.ERROR, null, null, 0, refusal);
            }
            if (!UpscaleFunction.OK.equals(result.getString(result.fieldIndex("status")))) {
                return new Entry(relative, UpscaleFunction.ERROR, null, null, seconds,
                        result.getString(result.fieldIndex("error")));
            }
            String output = row.getString(row.fieldIndex("output"));
            try {
                AtomicFiles.write(Path.of(outputDir, output), (byte[]) result.get(result.fieldIndex("png")));
            } catch (IOException | RuntimeException e) {
                return new Entry(relative, UpscaleFunction.ERROR, null, null, seconds,
                        "cannot write " + output + ": " + UpscaleFunction.message(e));
            }
            return new Entry(relative, UpscaleFunction.OK, result.getInt(result.fieldIndex("width")),
                    result.getInt(result.fieldIndex("height")), seconds, null);
        }
    }
}
