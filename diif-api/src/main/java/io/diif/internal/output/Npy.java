package io.diif.internal.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes float32 little-endian NumPy {@code .npy} files (format version 1.0). */
public final class Npy {
    private Npy() {
    }

    public static void writeFloat32(OutputStream out, float[] data, int... shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
            if (i < shape.length - 1) {
                dims.append(' ');
            }
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) h.length);
        out.write(prefix.array());
        out.write(h);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
    }

    /** Reads a float32 little-endian .npy; returns the data (shape is parsed and checked by count). */
    public static float[] readFloat32(byte[] file) {
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if ((file[0] & 0xff) != 0x93 || !new String(file, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException("not a .npy file");
        }
        int major = file[6];
        int headerLen = major == 1 ? (bb.getShort(8) & 0xffff) : bb.getInt(8);
        int start = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(file, major == 1 ? 10 : 12, headerLen, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException("only C-order little-endian float32 .npy is supported: " + header.trim());
        }
        float[] v = new float[(file.length - start) / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = bb.getFloat(start + 4 * i);
        }
        return v;
    }
}
