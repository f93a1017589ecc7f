package io.diif.model;

import io.diif.graph.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the safetensors layout: an 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor data. Every header field is checked against the file size before any tensor
 * memory is allocated. F32 is read as is; F16 and BF16 are widened to float32.
 */
public final class Safetensors {
    /** Headers larger than this are refused: real ones are a few kilobytes. */
    public static final long MAX_HEADER_BYTES = 16L << 20;
    /** Files larger than this are refused: a model must fit in a Java array. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

    private final Map<String, String> metadata;
    private final Map<String, Parameter> tensors;
    private final Map<String, String> dtypes;

    private Safetensors(Map<String, String> metadata, Map<String, Parameter> tensors, Map<String, String> dtypes) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.dtypes = Collections.unmodifiableMap(dtypes);
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensors in header order, widened to float32. */
    public Map<String, Parameter> tensors() {
        return tensors;
    }

    /** The stored dtype of each tensor (F32, F16 or BF16). */
    public Map<String, String> dtypes() {
        return dtypes;
    }

    /** Reads a file; the header is validated against the file size before the data is read. */
    public static Safetensors read(Path path) throws IOException {
        String what = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(what + ": file has " + size + " bytes, too short for a safetensors header");
            }
            if (size > MAX_FILE_BYTES) {
                throw new ModelFormatException(what + ": file has " + size + " bytes, more than the limit " + MAX_FILE_BYTES);
            }
            // Read the 8-byte length first so an absurd header fails before the rest is read.
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, what);
            long headerLen = lenBuf.flip().getLong();
            checkHeaderLength(headerLen, size, what);
            ByteBuffer all = ByteBuffer.allocate((int) size);
            all.put(lenBuf.flip());
            readFully(ch, all, what);
            return parse(all.array(), what);
        }
    }

    /** Reads a stream fully (up to {@link #MAX_FILE_BYTES}); {@code what} names it in errors. */
    public static Safetensors read(InputStream in, String what) throws IOException {
        byte[] lenBytes = in.readNBytes(8);
        if (lenBytes.length < 8) {
            throw new ModelFormatException(what + ": stream has " + lenBytes.length
                    + " bytes, too short for a safetensors header");
        }
        long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        checkHeaderLength(headerLen, MAX_FILE_BYTES, what);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(lenBytes);
        byte[] buf = new byte[1 << 16];
        long total = 8;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > MAX_FILE_BYTES) {
                throw new ModelFormatException(what + ": stream is longer than the limit " + MAX_FILE_BYTES + " bytes");
            }
            out.write(buf, 0, n);
        }
        return parse(out.toByteArray(), what);
    }

    /** Parses a whole safetensors file held in memory. */
    public static Safetensors parse(byte[] file, String what) {
        if (file.length < 8) {
            throw new ModelFormatException(what + ": " + file.length + " bytes, too short for a safetensors header");
        }
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = bb.getLong(0);
        checkHeaderLength(headerLen, file.length, what);
        String headerText = new String(file, 8, (int) headerLen, java.nio.charset.StandardCharsets.UTF_8);
        Object root = Json.parse(headerText, what + " header");
        if (!(root instanceof Map<?, ?> header)) {
            throw new ModelFormatException(what + ": header must be a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataLen = file.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new ModelFormatException(what + ": __metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw new ModelFormatException(what + ": __metadata__." + m.getKey() + " must be a string");
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            entries.add(entry(name, e.getValue(), dataLen, what));
        }
        // Overlapping tensors would alias each other's bytes: a corrupt or malicious file.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort((a, b) -> Long.compare(a.begin, b.begin));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry prev = byOffset.get(i - 1);
            Entry cur = byOffset.get(i);
            if (cur.begin < prev.end) {
                throw new ModelFormatException(what + ": tensor " + cur.name + " bytes [" + cur.begin + ", " + cur.end
                        + ") overlap tensor " + prev.name + " [" + prev.begin + ", " + prev.end + ")");
            }
        }
        Map<String, Parameter> tensors = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        for (Entry en : entries) {
            float[] values = decode(bb, (int) (dataStart + en.begin), en.count, en.dtype);
            tensors.put(en.name, new Parameter(en.name, en.shape, values));
            dtypes.put(en.name, en.dtype);
        }
        return new Safetensors(metadata, tensors, dtypes);
    }

    private record Entry(String name, String dtype, int[] shape, long count, long begin, long end) {
    }

    private static Entry entry(String name, Object spec, long dataLen, String what) {
        String where = what + ": tensor " + name;
        if (!(spec instanceof Map<?, ?> m)) {
            throw new ModelFormatException(where + ": entry must be an object");
        }
        for (Object key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new ModelFormatException(where + ": unknown field \"" + key + "\"");
            }
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw new ModelFormatException(where + ": dtype missing or not a string");
        }
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new ModelFormatException(where + ": dtype " + dtype
                    + " is not supported (F32, F16 or BF16)");
        };
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw new ModelFormatException(where + ": shape missing or not an array");
        }
        if (shapeList.size() > 8) {
            throw new ModelFormatException(where + ": rank " + shapeList.size() + " is more than 8");
        }
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelFormatException(where + ": shape " + shapeList + " must hold integers in [0, 2^31)");
            }
            shape[i] = d.intValue();
            count *= d; // cannot overflow: count <= dataLen < 2^31 before this step
            if (count > dataLen) {
                throw new ModelFormatException(where + ": shape " + shapeList + " needs more bytes than the "
                        + dataLen + "-byte data section holds");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2
                || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw new ModelFormatException(where + ": data_offsets must be two integers");
        }
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] are reversed or negative");
        }
        if (end > dataLen) {
            throw new ModelFormatException(where + ": data_offsets end " + end + " is past the data section ("
                    + dataLen + " bytes)");
        }
        if (end - begin != count * width) {
            throw new ModelFormatException(where + ": " + (end - begin) + " bytes do not match " + dtype + " x shape "
                    + shapeList + " = " + count * width + " bytes");
        }
        return new Entry(name, dtype, shape, count, begin, end);
    }

    private static float[] decode(ByteBuffer bb, int offset, long count, String dtype) {
        float[] v = new float[(int) count];
        switch (dtype) {
            case "F32" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = bb.getFloat(offset + 4 * i);
                }
            }
            case "BF16" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Float.intBitsToFloat((bb.getShort(offset + 2 * i) & 0xffff) << 16);
                }
            }
            case "F16" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = halfToFloat(bb.getShort(offset + 2 * i));
                }
            }
            default -> throw new IllegalStateException(dtype);
        }
        return v;
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void checkHeaderLength(long headerLen, long fileSize, String what) {
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
            throw new ModelFormatException(what + ": header length " + Long.toUnsignedString(headerLen)
                    + " is impossible (file has " + fileSize + " bytes; limit " + MAX_HEADER_BYTES + ")");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new ModelFormatException(what + ": file ended early (truncated)");
            }
        }
    }
}
