package io.diif.spi.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.graph.Graph;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HeapRowsTest {

    @Test
    void rowsAreSlicesOfTheArray() {
        float[] values = {1, 2, 3, 4, 5, 6};
        HeapRows rows = new HeapRows(values, 3, 2);
        assertSame(values, rows.values());
        float[] row = new float[2];
        rows.read(1, row);
        assertArrayEquals(new float[] {3, 4}, row);
        rows.write(2, new float[] {9, 8});
        assertArrayEquals(new float[] {1, 2, 3, 4, 9, 8}, values);
        rows.write(0, 2, new float[] {7, 7, 6, 6});
        assertArrayEquals(new float[] {7, 7, 6, 6, 9, 8}, values);
        assertThrows(IndexOutOfBoundsException.class, () -> rows.write(2, 2, new float[4]));
        float[] copy = rows.toArray();
        assertNotSame(values, copy);
        assertArrayEquals(values, copy);
    }

    @Test
    void shapesThatDoNotMatchTheArrayAreRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeapRows(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("2x3") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeapRows(new float[0], -1, 0));
        assertThrows(NullPointerException.class, () -> new HeapRows(null, 0, 0));
        HeapRows rows = new HeapRows(new float[4], 2, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> rows.read(2, new float[2]));
        assertThrows(IndexOutOfBoundsException.class, () -> rows.write(-1, new float[2]));
    }

    /** An executable that doubles every value and keeps the column count, to test the SPI's defaults. */
    private static final class Doubling implements Executable {
        @Override
        public Graph graph() {
            Graph.Builder g = Graph.builder("doubling", Graph.Layout.ROWS, 3);
            return g.build(g.scale(g.input(), 2f));
        }

        @Override
        public float[] run(float[] input, int... shape) {
            float[] out = input.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= 2;
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theDefaultRowsPathGoesThroughArrays() {
        try (Executable e = new Doubling()) {
            assertEquals(false, e.allocatesEngineRows());
            Rows in = e.allocate(2, 3);
            assertTrue(in instanceof HeapRows);
            in.write(0, new float[] {1, 2, 3});
            in.write(1, new float[] {4, 5, 6});
            try (Rows out = e.run(in)) {
                assertEquals(2, out.rows());
                assertEquals(3, out.columns());
                assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, out.toArray());
            }
            // Any other Rows implementation is read through toArray().
            Rows foreign = new Rows() {
                @Override
                public int rows() {
                    return 1;
                }

                @Override
                public int columns() {
                    return 2;
                }

                @Override
                public void write(int row, float[] source) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void read(int row, float[] target) {
                    Arrays.fill(target, 0, 2, 7f);
                }

                @Override
                public void close() {
                }
            };
            try (Rows out = e.run(foreign)) {
                assertArrayEquals(new float[] {14, 14}, out.toArray());
            }
        }
    }
}
