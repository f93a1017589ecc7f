package io.diif.spark;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that upscales the images of a column with a DIIF model and adds the
 * results as one struct column.
 *
 * <p>Input: encoded image files (a binary column, as the {@code binaryFile} source's {@code content}) or
 * the {@code image} source's struct. Output column (default {@code upscaled}): a struct of {@code png}
 * (bytes), {@code width}, {@code height}, {@code status} ({@code ok} or {@code error}), {@code error}
 * (message, null when ok) and {@code seconds} (decode, upscale and PNG encoding of that row). A row that
 * cannot be upscaled (corrupt, truncated, not an image, over a pixel limit) gets an error status; it never
 * fails the job. Rows are neither dropped nor repeated.
 *
 * <pre>{@code
 * Dataset<Row> files = spark.read().format("binaryFile").load("photos/");
 * Dataset<Row> out = new Upscaler().setScale(4).setBackend("onnx").transform(files);
 * out.select("path", "upscaled.status", "upscaled.png").show();
 * }</pre>
 *
 * <p>The model is loaded once per executor JVM, on first use, shared by every task of that JVM and closed
 * when the JVM exits. It comes from the bundled default model, a path every executor can read
 * ({@link #setModelPath}), or bytes broadcast from the driver ({@link #setModelBytes}).
 */
public final class Upscaler extends Transformer {
    private static final long serialVersionUID = 1L;

    /** Default output pixel limit: 64 million pixels (8192 × 8192); a row holds the whole PNG. */
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 1L << 26;

    // Serialised with the transformer when Spark ships it to executors, hence documented (the serial form).
    /** The transformer's unique id. */
    private final String uid;
    /** The input column's name. */
    private final Param<String> inputCol;
    /** The output column's name. */
    private final Param<String> outputCol;
    /** The horizontal scale, when no exact size is set. */
    private final DoubleParam scaleX;
    /** The vertical scale, when no exact size is set. */
    private final DoubleParam scaleY;
    /** The exact output width, when no scale is set. */
    private final IntParam width;
    /** The exact output height, when no scale is set. */
    private final IntParam height;
    /** A model file executors read; empty for the broadcast bytes or the default model. */
    private final Param<String> modelPath;
    /** The backend's name; empty for the best available. */
    private final Param<String> backend;
    /** Rows whose output would have more pixels become errors. */
    private final LongParam maxOutputPixels;
    /** A model file broadcast from the driver, or null. */
    private Broadcast<byte[]> modelBytes;
    /** The SHA-256 of {@link #modelBytes}, naming the model in executors' caches. */
    private String modelBytesDigest;

    /** With a fresh uid, the defaults ({@code content} in, {@code upscaled} out) and no size yet. */
    public Upscaler() {
        this("diifUpscaler_" + UUID.randomUUID().toString().substring(24));
    }

    /**
     * With a given uid; Spark's {@code copy} and ML persistence use this constructor.
     *
     * @param uid the transformer's unique id
     */
    public Upscaler(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of encoded image bytes or image-source structs");
        outputCol = new Param<>(this, "outputCol", "struct column of png, width, height, status, error, seconds");
        scaleX = new DoubleParam(this, "scaleX", "horizontal scale factor (> 0); or set width and height");
        scaleY = new DoubleParam(this, "scaleY", "vertical scale factor (> 0); or set width and height");
        width = new IntParam(this, "width", "exact output width for every image; or set a scale");
        height = new IntParam(this, "height", "exact output height for every image; or set a scale");
        modelPath = new Param<>(this, "modelPath",
                "model file every executor can read; empty: the bundled default model or the broadcast bytes");
        backend = new Param<>(this, "backend", "backend name (onnx, pytorch, tensorflow, java); empty: best");
        maxOutputPixels = new LongParam(this, "maxOutputPixels", "rows whose output is larger become errors");
        setDefault(inputCol, "content");
        setDefault(outputCol, "upscaled");
        setDefault(modelPath, "");
        setDefault(backend, "");
        setDefault(maxOutputPixels, (Object) DEFAULT_MAX_OUTPUT_PIXELS);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * The input column parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public Param<String> inputCol() {
        return inputCol;
    }

    /**
     * The output column parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * The horizontal scale parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public DoubleParam scaleX() {
        return scaleX;
    }

    /**
     * The vertical scale parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public DoubleParam scaleY() {
        return scaleY;
    }

    /**
     * The output width parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public IntParam width() {
        return width;
    }

    /**
     * The output height parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public IntParam height() {
        return height;
    }

    /**
     * The model path parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public Param<String> modelPath() {
        return modelPath;
    }

    /**
     * The backend name parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public Param<String> backend() {
        return backend;
    }

    /**
     * The output pixel limit parameter.
     *
     * @return the parameter, for Spark's param maps
     */
    public LongParam maxOutputPixels() {
        return maxOutputPixels;
    }

    /**
     * The input column: binary (encoded image files) or the {@code image} source's struct.
     *
     * @param column the column's name
     * @return this transformer
     * @throws IllegalArgumentException if the name is null or blank
     */
    public Upscaler setInputCol(String column) {
        set(inputCol, requireName("inputCol", column));
        return this;
    }

    /**
     * The struct column to add; must not exist yet.
     *
     * @param column the column's name
     * @return this transformer
     * @throws IllegalArgumentException if the name is null or blank
     */
    public Upscaler setOutputCol(String column) {
        set(outputCol, requireName("outputCol", column));
        return this;
    }

    /**
     * Scales both axes: output {@code round(scale·W) × round(scale·H)}; replaces an exact size.
     *
     * @param scale the factor, finite and &gt; 0
     * @return this transformer
     * @throws IllegalArgumentException if the scale is not finite and positive
     */
    public Upscaler setScale(double scale) {
        return setScale(scale, scale);
    }

    /**
     * Scales each axis: output {@code round(scaleX·W) × round(scaleY·H)}; replaces an exact size.
     *
     * @param scaleX the horizontal factor, finite and &gt; 0
     * @param scaleY the vertical factor, finite and &gt; 0
     * @return this transformer
     * @throws IllegalArgumentException if a scale is not finite and positive
     */
    public Upscaler setScale(double scaleX, double scaleY) {
        OutputSize.scale(scaleX, scaleY);
        clear(width);
        clear(height);
        set(this.scaleX, (Object) scaleX);
        set(this.scaleY, (Object) scaleY);
        return this;
    }

    /**
     * Renders every image at exactly {@code width × height}; replaces a scale.
     *
     * @param width the output width, at least 1
     * @param height the output height, at least 1
     * @return this transformer
     * @throws IllegalArgumentException if a dimension is less than 1
     */
    public Upscaler setSize(int width, int height) {
        OutputSize.exact(width, height);
        clear(scaleX);
        clear(scaleY);
        set(this.width, (Object) width);
        set(this.height, (Object) height);
        return this;
    }

    /**
     * A model file at a path every executor can read (a shared file system); replaces broadcast bytes.
     *
     * @param path the model file's path on the executors
     * @return this transformer
     * @throws IllegalArgumentException if the path is null or blank
     */
    public Upscaler setModelPath(String path) {
        set(modelPath, requireName("modelPath", path));
        modelBytes = null;
        modelBytesDigest = null;
        return this;
    }

    /**
     * Model file bytes broadcast from the driver (e.g. {@code jsc.broadcast(Files.readAllBytes(model))}):
     * executors need no copy of the file. Read once here to check the file and to name the model in
     * executors' caches by its SHA-256; replaces a model path.
     *
     * @param bytes the broadcast model file
     * @return this transformer
     * @throws io.diif.model.ModelFormatException if the bytes are not a valid model file
     * @throws java.io.UncheckedIOException if the bytes cannot be read as a model file
     */
    public Upscaler setModelBytes(Broadcast<byte[]> bytes) {
        byte[] value = bytes.value();
        DiifAdapter.checkModel(value, "broadcast model");
        modelBytesDigest = sha256(value);
        modelBytes = bytes;
        set(modelPath, "");
        return this;
    }

    /**
     * The backend executors run the model on.
     *
     * @param name a backend name ({@code onnx}, {@code pytorch}, {@code tensorflow}, {@code java}); empty or
     *     null: {@code -Ddiif.backend}, then the best available
     * @return this transformer
     */
    public Upscaler setBackend(String name) {
        set(backend, name == null ? "" : name.trim());
        return this;
    }

    /**
     * Rows whose output would have more pixels become errors.
     *
     * @param pixels the limit, at most the API's (16384²)
     * @return this transformer
     * @throws IllegalArgumentException if the limit is not positive or above the API's
     */
    public Upscaler setMaxOutputPixels(long pixels) {
        if (pixels <= 0 || pixels > DiifAdapter.apiMaxOutputPixels()) {
            throw new IllegalArgumentException("maxOutputPixels must be in 1.." + DiifAdapter.apiMaxOutputPixels()
                    + ", was " + pixels);
        }
        set(maxOutputPixels, (Object) pixels);
        return this;
    }

    /**
     * Checks the input column and the settings, and adds the output column's type.
     *
     * @param schema the input's schema
     * @return the schema with the output struct column added
     * @throws IllegalArgumentException if the input column is missing or of another type, the output column
     *     exists, or neither a scale nor a size is set
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String in = getOrDefault(inputCol);
        String out = getOrDefault(outputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("input column '" + in + "' not found among "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType type = schema.apply(in).dataType();
        if (!type.equals(DataTypes.BinaryType) && !SparkImages.isImageStruct(type)) {
            throw new IllegalArgumentException("input column '" + in + "' must be binary (encoded image files) or"
                    + " the image source's struct, was " + type.simpleString());
        }
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new IllegalArgumentException("output column '" + out + "' already exists");
        }
        outputSize();
        return schema.add(out, UpscaleFunction.RESULT, false);
    }

    /**
     * Adds the output column; the images are upscaled when Spark computes it, on the executors.
     *
     * @param dataset the rows to upscale
     * @return the rows with the output struct column added
     * @throws IllegalArgumentException as {@link #transformSchema} does
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        UpscaleFunction function = new UpscaleFunction(modelSource(), outputSize(),
                (Long) getOrDefault(maxOutputPixels), DiifAdapter.defaultMaxInputPixels());
        // Nondeterministic: the optimizer must not copy the call into each field a query selects from the
        // struct, which would upscale every image once per field.
        UserDefinedFunction udf = functions.udf(function, UpscaleFunction.RESULT).asNondeterministic();
        return dataset.withColumn(getOrDefault(outputCol), udf.apply(dataset.col(getOrDefault(inputCol))));
    }

    @Override
    public Upscaler copy(ParamMap extra) {
        Upscaler copy = defaultCopy(extra);
        copy.modelBytes = modelBytes;
        copy.modelBytesDigest = modelBytesDigest;
        return copy;
    }

    ModelSource modelSource() {
        String b = getOrDefault(backend);
        String path = getOrDefault(modelPath);
        if (!path.isEmpty()) {
            return ModelSource.path(path, b);
        }
        if (modelBytes != null) {
            return ModelSource.bytes(modelBytes, modelBytesDigest, "broadcast model", b);
        }
        return ModelSource.defaultModel(b);
    }

    OutputSize outputSize() {
        if (isDefined(width) && isDefined(height)) {
            return OutputSize.exact((Integer) getOrDefault(width), (Integer) getOrDefault(height));
        }
        if (isDefined(scaleX) && isDefined(scaleY)) {
            return OutputSize.scale((Double) getOrDefault(scaleX), (Double) getOrDefault(scaleY));
        }
        throw new IllegalArgumentException("set a scale (setScale) or an exact size (setSize) before transforming");
    }

    private static String requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty, was '" + value + "'");
        }
        return value;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Upscaler[" + uid + "]";
    }
}
