package io.diif.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectBuffersTest {

    @Test
    void aKeptBufferIsReusedWithTheRequestedLength() {
        DirectBuffers buffers = new DirectBuffers();
        ByteBuffer big = buffers.take(100);
        assertEquals(400, big.remaining());
        buffers.give(big);
        ByteBuffer again = buffers.take(10);
        assertSame(big, again);
        assertEquals(40, again.remaining());
        assertTrue(buffers.kept().isEmpty());
        buffers.close();
    }

    @Test
    void onlyTheLargestAreKeptAndTheFreedOneIsReallyGone() {
        DirectBuffers buffers = new DirectBuffers();
        ByteBuffer small = buffers.take(16);  // capacity 64 bytes
        ByteBuffer wide = buffers.take(64);   // capacity 256 bytes
        ByteBuffer large = buffers.take(128); // capacity 512 bytes
        buffers.give(wide);
        ByteBuffer narrowed = buffers.take(16); // the wide buffer again, now limited to 64 bytes
        assertSame(wide, narrowed);
        // Equal contents (zeros) and equal remaining length make `small` and `narrowed` equal() though
        // they are different buffers: eviction must still drop exactly the smallest one.
        buffers.give(small);
        buffers.give(narrowed);
        buffers.give(large);
        List<ByteBuffer> kept = buffers.kept();
        assertEquals(DirectBuffers.KEPT, kept.size());
        assertTrue(kept.stream().anyMatch(b -> b == wide), "the 256-byte buffer is kept");
        assertTrue(kept.stream().anyMatch(b -> b == large), "the 512-byte buffer is kept");
        assertTrue(kept.stream().noneMatch(b -> b == small), "the freed 64-byte buffer is not handed out again");
        buffers.close();
        assertTrue(buffers.kept().isEmpty());
    }
}
