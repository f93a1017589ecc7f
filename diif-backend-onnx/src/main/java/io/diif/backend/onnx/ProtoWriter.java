package io.diif.backend.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the protobuf wire format an ONNX model needs: varints and length-delimited fields.
 *
 * <p>Each writer buffers one message; a nested message is written into its own writer and appended
 * with {@link #message}. Fields are written in call order, which protobuf allows. Repeated scalar
 * fields are written unpacked (one tag per value), which every protobuf parser accepts.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private final Buffer out = new Buffer();

    /** An int64/int32/enum field. */
    ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** A string field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /** An embedded message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(message.size());
        out.append(message.out);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    void writeTo(OutputStream stream) throws IOException {
        out.writeTo(stream);
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    /** Base-128, least significant group first; negative values take ten bytes, as protobuf wants. */
    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** A ByteArrayOutputStream that can append another one without copying it into a fresh array. */
    private static final class Buffer extends ByteArrayOutputStream {
        void append(Buffer other) {
            write(other.buf, 0, other.count);
        }
    }
}
