package io.diif.model;

import io.diif.graph.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the safetensors layout: an 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor data. F32 is read as is; F16 and BF16 are widened to float32.
 *
 * <p>The file is hostile input. The whole header is validated against the file size before any tensor
 * memory is allocated: the header length must fit the file and a {@value #MAX_HEADER_BYTES}-byte limit,
 * the header must be strict UTF-8 JSON (no duplicate keys, bounded nesting), every tensor must have a
 * supported dtype, a shape of positive integers, and {@code data_offsets} inside the data section whose
 * length equals dtype size × element count; tensors must not overlap and, as in the reference
 * implementation, must cover the data section exactly (no gaps, no trailing bytes). Every failure is a
 * {@link ModelFormatException} naming the file, the tensor or field, and the rule broken.
 */
public final class Safetensors {
    /** Headers larger than this are refused: real ones are a few kilobytes. */
    public static final long MAX_HEADER_BYTES = 16L << 20;
    /** Files larger than this are refused: a model must fit in a Java array. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;
    /** Tensors of higher rank are refused. */
    static final int MAX_RANK = 8;

    private final Map<String, String> metadata;
    private final Map<String, Parameter> tensors;
    private final Map<String, String> dtypes;

    private Safetensors(Map<String, String> metadata, Map<String, Parameter> tensors, Map<String, String> dtypes) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.dtypes = Collections.unmodifiableMap(dtypes);
    }

    /** {@return the {@code __metadata__} string map (empty when absent)} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@return the tensors in header order, widened to float32} */
    public Map<String, Parameter> tensors() {
        return tensors;
    }

    /** {@return the stored dtype of each tensor (F32, F16 or BF16)} */
    public Map<String, String> dtypes() {
        return dtypes;
    }

    /**
     * Reads a file. Only the length prefix and the header are read before the header is validated
     * against the file size; tensor data is then read one tensor at a time.
     *
     * @param path the file
     * @return the parsed file
     * @throws IOException if it cannot be read
     * @throws ModelFormatException if it is not a valid safetensors file, naming the rule broken
     */
    public static Safetensors read(Path path) throws IOException {
        String what = path.toString();
        if (Files.isDirectory(path)) {
            throw new IOException(what + ": is a directory, not a model file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A FIFO would block the open below forever; a device has no size.
            throw new IOException(what + ": not a regular file");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(what, null, "no such file");
        }
        try (ch) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(what + ": file has " + size + " bytes, too short for a safetensors header"
                        + " (truncated or not a safetensors file)");
            }
            if (size > MAX_FILE_BYTES) {
                throw new ModelFormatException(what + ": file has " + size + " bytes, more than the limit " + MAX_FILE_BYTES);
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, what);
            long headerLen = lenBuf.getLong(0);
            checkHeaderLength(headerLen, size, what);
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, what);
            long dataStart = 8 + headerLen;
            Layout layout = layout(headerBuf.array(), 0, (int) headerLen, size - dataStart, what);
            Map<String, Parameter> tensors = new LinkedHashMap<>();
            Map<String, String> dtypes = new LinkedHashMap<>();
            for (Entry en : layout.entries) {
                ByteBuffer data = ByteBuffer.allocate((int) (en.end - en.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + en.begin, what);
                tensors.put(en.name, new Parameter(en.name, en.shape, decode(data, 0, en.count, en.dtype)));
                dtypes.put(en.name, en.dtype);
            }
            return new Safetensors(layout.metadata, tensors, dtypes);
        }
    }

    /**
     * Reads a stream fully (up to {@link #MAX_FILE_BYTES}; memory grows only with the bytes actually
     * read).
     *
     * @param in the bytes, read to the end and not closed
     * @param what names the stream in errors
     * @return the parsed file
     * @throws IOException if the stream cannot be read
     * @throws ModelFormatException if it is not a valid safetensors file or passes the size limit
     */
    public static Safetensors read(InputStream in, String what) throws IOException {
        byte[] lenBytes = in.readNBytes(8);
        if (lenBytes.length < 8) {
            throw new ModelFormatException(what + ": stream has " + lenBytes.length
                    + " bytes, too short for a safetensors header (truncated or not a safetensors file)");
        }
        long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        checkHeaderLength(headerLen, MAX_FILE_BYTES, what);
        // readNBytes grows its buffer as bytes arrive: a stream that lies about its length costs nothing.
        byte[] header = in.readNBytes((int) headerLen);
        if (header.length < headerLen) {
            throw new ModelFormatException(what + ": stream ended inside the " + headerLen + "-byte header after "
                    + header.length + " bytes (truncated)");
        }
        byte[] data = in.readNBytes((int) (MAX_FILE_BYTES - 8 - headerLen));
        if (in.read() >= 0) {
            throw new ModelFormatException(what + ": stream is longer than the limit " + MAX_FILE_BYTES + " bytes");
        }
        Layout layout = layout(header, 0, header.length, data.length, what);
        return build(layout, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), 0);
    }

    /**
     * Parses a whole safetensors file held in memory.
     *
     * @param file the bytes
     * @param what names them in errors
     * @return the parsed file
     * @throws ModelFormatException if they are not a valid safetensors file, naming the rule broken
     */
    public static Safetensors parse(byte[] file, String what) {
        if (file.length < 8) {
            throw new ModelFormatException(what + ": " + file.length + " bytes, too short for a safetensors header"
                    + " (truncated or not a safetensors file)");
        }
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = bb.getLong(0);
        checkHeaderLength(headerLen, file.length, what);
        int dataStart = 8 + (int) headerLen;
        Layout layout = layout(file, 8, (int) headerLen, file.length - dataStart, what);
        return build(layout, bb, dataStart);
    }

    private static Safetensors build(Layout layout, ByteBuffer data, int dataStart) {
        Map<String, Parameter> tensors = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        for (Entry en : layout.entries) {
            float[] values = decode(data, (int) (dataStart + en.begin), en.count, en.dtype);
            tensors.put(en.name, new Parameter(en.name, en.shape, values));
            dtypes.put(en.name, en.dtype);
        }
        return new Safetensors(layout.metadata, tensors, dtypes);
    }

    private record Layout(Map<String, String> metadata, List<Entry> entries) {
    }

    private record Entry(String name, String dtype, int[] shape, long count, long begin, long end) {
    }

    /** Validates the header bytes against a data section of {@code dataLen} bytes; allocates no tensor. */
    private static Layout layout(byte[] buf, int offset, int headerLen, long dataLen, String what) {
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, offset, headerLen)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(what + ": header is not valid UTF-8 (not a safetensors file?)");
        }
        Object root = Json.parse(headerText, what + " header");
        if (!(root instanceof Map<?, ?> header)) {
            throw new ModelFormatException(what + ": header must be a JSON object");
        }
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
        // Sorted by offset, the tensors must tile the data section: an overlap would alias another
        // tensor's bytes, a gap or a tail hides bytes nobody reads. Both mean a corrupt or crafted file.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
        long covered = 0;
        Entry prev = null;
        for (Entry cur : byOffset) {
            if (cur.begin < covered) {
                throw new ModelFormatException(what + ": tensor " + cur.name + " bytes [" + cur.begin + ", " + cur.end
                        + ") overlap tensor " + prev.name + " [" + prev.begin + ", " + prev.end + ")");
            }
            if (cur.begin > covered) {
                throw new ModelFormatException(what + ": data bytes [" + covered + ", " + cur.begin + ") before tensor "
                        + cur.name + " belong to no tensor (the data section must be covered without gaps)");
            }
            covered = cur.end;
            prev = cur;
        }
        if (covered != dataLen) {
            throw new ModelFormatException(what + ": the data section has " + dataLen + " bytes but the tensors cover "
                    + covered + " (trailing bytes, or a header that does not describe this file)");
        }
        return new Layout(metadata, entries);
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
        if (shapeList.size() > MAX_RANK) {
            throw new ModelFormatException(where + ": rank " + shapeList.size() + " is more than " + MAX_RANK);
        }
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelFormatException(where + ": shape " + shapeList + " must hold integers in [1, 2^31)");
            }
            if (d == 0) {
                throw new ModelFormatException(where + ": shape " + shapeList
                        + " has a zero dimension (empty tensors are not supported)");
            }
            shape[i] = d.intValue();
            count *= d; // cannot overflow: count <= dataLen < 2^31 before this step, d < 2^31
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
                    + dataLen + " bytes; truncated file?)");
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
                    + " is impossible (file has " + fileSize + " bytes; limit " + MAX_HEADER_BYTES
                    + "; truncated or not a safetensors file)");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String what) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ModelFormatException(what + ": file ended early (truncated while reading)");
            }
            pos += n;
        }
    }
}
