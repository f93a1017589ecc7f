package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.tck.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Measures resident memory (VmRSS of /proc/self/status) over 1,000 renders, 100 encodes, 100 failing
 * calls and 20 model open/close cycles per backend, and prints the growth; asserts only a generous
 * bound (a leak of every native tensor would grow by hundreds of MB). Linux only, not part of a
 * normal build:
 *
 * <pre>
 * mvn -pl diif-examples test -Dtest=NativeMemoryBench -Ddiif.rss=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "diif.rss", matches = "true")
class NativeMemoryBench {
    static final String MODEL = "model-diif-row.safetensors";
    /** 1,000 by default; {@code -Ddiif.rss.renders=5000} to watch a longer trend. */
    static final int RENDERS = Integer.getInteger("diif.rss.renders", 1000);
    /** {@code -Ddiif.rss.vary=true}: a different output size per render instead of 80x64 every time. */
    static final boolean VARY = Boolean.getBoolean("diif.rss.vary");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "onnx"})
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void rssOverThousandRenders(String backend) throws Exception {
        try (DiifModel model = DiifModel.builder().modelResource(Golden.resource(MODEL)).backend(backend).build()) {
            ImageRepresentation rep = model.encode(Golden.input());
            for (int i = 0; i < 50; i++) {
                rep.render().size(80, 64).toFloatImage(); // warm-up: JIT, arenas, session caches
            }
            long start = settledRss();
            long heapStart = heapCommitted();
            System.out.printf(Locale.ROOT, "[rss] %s: after warm-up %.1f MB (Java heap committed %.1f MB)%n", backend,
                    start / 1e6, heapStart / 1e6);
            long last = start;
            for (int i = 1; i <= RENDERS; i++) {
                if (VARY) {
                    rep.render().size(41 + i % 97, 33 + i % 89).toFloatImage(); // a new output size almost every time
                } else {
                    rep.render().size(80, 64).toFloatImage();
                }
                if (i % 10 == 0) {
                    // An encode and a close on the way, and a call that fails before any native work.
                    rep.close();
                    rep = model.encode(Golden.input());
                    try {
                        rep.sampleRaw(80, 64, new double[] {Double.NaN, 1});
                    } catch (IllegalArgumentException expected) {
                        // refused, as it must be
                    }
                }
                if (i % (RENDERS / 5) == 0) {
                    last = settledRss();
                    System.out.printf(Locale.ROOT, "[rss] %s: after %4d renders %.1f MB (%+.1f MB)%n", backend, i,
                            last / 1e6, (last - start) / 1e6);
                }
            }
            rep.close();
            long afterRenders = last;
            for (int i = 0; i < 20; i++) {
                try (DiifModel m = DiifModel.builder().modelResource(Golden.resource(MODEL)).backend(backend).build();
                        ImageRepresentation r = m.encode(Golden.input())) {
                    r.render().size(40, 32).toFloatImage();
                }
            }
            long afterCycles = settledRss();
            System.out.printf(Locale.ROOT, "[rss] %s: %d renders grew RSS by %+.1f MB (%+.3f MB per 100 renders); "
                    + "20 model open/close cycles then %+.1f MB; Java heap committed %.1f -> %.1f MB%n", backend, RENDERS,
                    (afterRenders - start) / 1e6, (afterRenders - start) / 1e6 / (RENDERS / 100.0),
                    (afterCycles - afterRenders) / 1e6, heapStart / 1e6, heapCommitted() / 1e6);
            assertTrue(VARY || afterRenders - start < 200L << 20, "RSS grew by " + (afterRenders - start) / 1e6 + " MB");
        }
        System.out.printf(Locale.ROOT, "[rss] %s: after the model is closed %.1f MB%n", backend, settledRss() / 1e6);
    }

    /** VmRSS after a GC, in bytes. */
    static long settledRss() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long heapCommitted() {
        return Runtime.getRuntime().totalMemory();
    }
}
