package io.diif.spark;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of Spark's {@code image} data source ({@code origin, height, width, nChannels, mode, data}: 8-bit
 * pixels, BGR or BGRA or grey, row-major) as {@link BufferedImage}s.
 */
final class SparkImages {
    private SparkImages() {
    }

    /** True when {@code type} is the image source's struct (the fields this class reads, typed as it reads them). */
    static boolean isImageStruct(DataType type) {
        if (!(type instanceof StructType s)) {
            return false;
        }
        String[] names = {"height", "width", "nChannels", "mode", "data"};
        DataType[] types = {DataTypes.IntegerType, DataTypes.IntegerType, DataTypes.IntegerType,
            DataTypes.IntegerType, DataTypes.BinaryType};
        for (int i = 0; i < names.length; i++) {
            if (!java.util.Arrays.asList(s.fieldNames()).contains(names[i])
                    || !s.apply(names[i]).dataType().equals(types[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The image of one row; {@code maxPixels} bounds its size.
     *
     * @throws IllegalArgumentException for a row the image source could not decode (it writes -1 sizes and
     *     no data), an unsupported mode, inconsistent sizes, or too many pixels
     */
    static BufferedImage toImage(Row row, long maxPixels) {
        int height = row.getInt(row.fieldIndex("height"));
        int width = row.getInt(row.fieldIndex("width"));
        int channels = row.getInt(row.fieldIndex("nChannels"));
        byte[] data = row.isNullAt(row.fieldIndex("data")) ? null : (byte[]) row.get(row.fieldIndex("data"));
        if (width <= 0 || height <= 0 || data == null || data.length == 0) {
            throw new IllegalArgumentException("not an image: Spark's image source could not decode it ("
                    + width + "x" + height + ", " + (data == null ? 0 : data.length) + " bytes)");
        }
        if ((long) width * height > maxPixels) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " = " + (long) width * height
                    + " pixels exceeds the limit of " + maxPixels);
        }
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("image rows with " + channels + " channels are not supported"
                    + " (1, 3 or 4 8-bit channels)");
        }
        if (data.length != (long) width * height * channels) {
            throw new IllegalArgumentException("image row holds " + data.length + " bytes, expected " + width
                    + "x" + height + "x" + channels);
        }
        if (channels == 1) {
            BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            System.arraycopy(data, 0, ((DataBufferByte) grey.getRaster().getDataBuffer()).getData(), 0, data.length);
            return grey;
        }
        BufferedImage image = new BufferedImage(width, height,
                channels == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * channels;
                int alpha = channels == 4 ? data[i + 3] & 0xff : 0xff;
                argb[x] = alpha << 24 | (data[i + 2] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | data[i] & 0xff;
            }
            image.setRGB(0, y, width, 1, argb, 0, width);
        }
        return image;
    }
}
