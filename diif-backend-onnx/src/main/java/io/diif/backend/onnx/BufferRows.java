package io.diif.backend.onnx;

import io.diif.spi.support.FloatBufferRows;
import java.nio.ByteBuffer;

/** Rows in a direct buffer that ONNX Runtime reads (an input) or writes (a pinned output) in place. */
final class BufferRows extends FloatBufferRows {
    private final DirectBuffers owner;
    private final ByteBuffer bytes;

    BufferRows(DirectBuffers owner, int rows, int columns) {
        this(owner, owner.take(Math.multiplyExact(rows, columns)), rows, columns);
    }

    private BufferRows(DirectBuffers owner, ByteBuffer bytes, int rows, int columns) {
        super(bytes.asFloatBuffer(), rows, columns);
        this.owner = owner;
        this.bytes = bytes;
    }

    @Override
    protected void release() {
        owner.give(bytes);
    }
}
