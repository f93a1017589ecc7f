package io.diif.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What each row goes through on an executor: decode, check sizes, upscale with this JVM's model, encode
 * PNG. Holds only the job's settings; the model comes from {@link ExecutorModels}. A row that cannot be
 * upscaled becomes an error result, never an exception that would fail the task.
 */
final class UpscaleFunction implements UDF1<Object, Row> {
    private static final long serialVersionUID = 1L;

    /** The result struct: PNG bytes, output size, {@code ok}/{@code error}, message, seconds. */
    static final StructType RESULT = new StructType()
            .add("png", DataTypes.BinaryType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("seconds", DataTypes.DoubleType, false);

    static final String OK = "ok";
    static final String ERROR = "error";

    private final ModelSource model;
    private final OutputSize size;
    private final long maxOutputPixels;
    private final long maxInputPixels;

    UpscaleFunction(ModelSource model, OutputSize size, long maxOutputPixels, long maxInputPixels) {
        this.model = model;
        this.size = size;
        this.maxOutputPixels = maxOutputPixels;
        this.maxInputPixels = maxInputPixels;
    }

    @Override
    public Row call(Object content) {
        // Outside the row's try: a model that cannot be loaded is the job's failure, not every row's.
        DiifAdapter.Model loaded = ExecutorModels.get(model);
        long started = System.nanoTime();
        try {
            BufferedImage image = image(content);
            int[] wh = size.resolve(image.getWidth(), image.getHeight());
            if ((long) wh[0] * wh[1] > maxOutputPixels) {
                throw new IllegalArgumentException("output " + wh[0] + "x" + wh[1] + " = " + (long) wh[0] * wh[1]
                        + " pixels exceeds the limit of " + maxOutputPixels + " (maxOutputPixels)");
            }
            byte[] png = DiifAdapter.upscaleToPng(loaded, image, wh[0], wh[1]);
            return RowFactory.create(png, wh[0], wh[1], OK, null, seconds(started));
        } catch (IOException | RuntimeException e) {
            return error(message(e), started);
        } catch (OutOfMemoryError e) {
            // One oversized render must not take the executor with it; its buffers are garbage by now.
            return error("out of memory rendering this image (" + e.getMessage()
                    + "); lower maxOutputPixels or give executors more memory", started);
        }
    }

    private BufferedImage image(Object content) throws IOException {
        if (content == null) {
            throw new IllegalArgumentException("no image content (null)");
        }
        if (content instanceof byte[] bytes) {
            if (bytes.length == 0) {
                throw new IllegalArgumentException("empty file: no image content");
            }
            return DiifAdapter.decode(bytes, "image", maxInputPixels);
        }
        if (content instanceof Row row) {
            return SparkImages.toImage(row, maxInputPixels);
        }
        throw new IllegalArgumentException("unsupported input value " + content.getClass().getName());
    }

    private static Row error(String message, long started) {
        return RowFactory.create(null, null, null, ERROR, message, seconds(started));
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    /** The failure as one printable line: its message, or its type where it has none. */
    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        } else if (!(e instanceof IOException || e instanceof IllegalArgumentException)) {
            m = e.getClass().getSimpleName() + ": " + m;
        }
        return printable(m);
    }

    /** One line of at most 1000 characters, control characters escaped: messages quote hostile file contents. */
    static String printable(String m) {
        if (m == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(m.length(), 1000));
        for (int i = 0; i < m.length() && sb.length() < 1000; i++) {
            char c = m.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(c == '\n' || c == '\r' || c == '\t' ? " " : String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
