package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One model shared by 8 threads × 100 renders gives, bit for bit, the single-threaded results. */
@DisplayName("concurrency (Java backend)")
class ConcurrencyTest {
    static final int THREADS = 8;
    static final int RENDERS = 100;
    /** Small, distinct sizes: the work is the sharing, not the pixels. */
    static final int[][] SIZES = {{11, 9}, {16, 12}, {7, 13}, {13, 5}};

    @Test
    @DisplayName("8 threads x 100 renders of one shared model and representation equal the single-threaded output")
    void eightThreadsHundredRenders() throws Exception {
        BufferedImage input = Golden.input();
        try (DiifModel model = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors"))
                .backend("java").build();
                ImageRepresentation shared = model.encode(input)) {
            List<float[]> expected = new ArrayList<>();
            for (int[] s : SIZES) {
                expected.add(shared.render().size(s[0], s[1]).toFloatImage().toRawArray());
            }
            float[] expectedSample = shared.sampleRaw(40, 32, new double[] {3.25, 7.5, 39.9, 0.1});
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int done = 0;
                        for (int i = 0; i < RENDERS; i++) {
                            int k = (thread + i) % SIZES.length;
                            if (i % 50 == 0) {
                                // Now and then a fresh encode on this thread, rendered while others render.
                                try (ImageRepresentation own = model.encode(input)) {
                                    assertArrayEquals(expected.get(k), own.render().size(SIZES[k][0], SIZES[k][1])
                                            .toFloatImage().toRawArray(),
                                            "thread " + thread + " render " + i + " (own encode)");
                                }
                            } else if (i % 10 == 0) {
                                assertArrayEquals(expectedSample, shared.sampleRaw(40, 32,
                                        new double[] {3.25, 7.5, 39.9, 0.1}), "thread " + thread + " sample " + i);
                            } else {
                                assertArrayEquals(expected.get(k), shared.render().size(SIZES[k][0], SIZES[k][1])
                                        .toFloatImage().toRawArray(), "thread " + thread + " render " + i);
                            }
                            done++;
                        }
                        return done;
                    }));
                }
                start.countDown();
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get();
                }
                assertEquals(THREADS * RENDERS, total);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
