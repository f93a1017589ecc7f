package io.diif.examples;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.internal.backends.Backends;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Engine-side lower bounds of the decoding routes MetaSR and LM-LIIF do not take (docs/metasr-lmliif.md), on
 * a 64×64 input, with random constant weights:
 * <pre>
 * java -cp diif-examples/target/diif-cli.jar io.diif.examples.RouteProxies BACKEND RUNS
 * </pre>
 * LM-LIIF: its render MLP (hd + 4 → 16 × 6 → 3, without the modulation the graph IR cannot express) over four
 * rows per output pixel. MetaSR: the offset-class GEMM, unfolded latents [4096 × 576] times the s² classes'
 * filters [576 × 3s²]. Prints the median of RUNS runs after one warm-up run, for ×4 and ×12.
 */
public final class RouteProxies {
    private static final int LATENTS = 64 * 64;
    private static final Random RANDOM = new Random(1);

    private RouteProxies() {
    }

    public static void main(String[] args) {
        Backend backend = Backends.select(args[0]);
        int runs = Integer.parseInt(args[1]);
        for (int s : new int[] {4, 12}) {
            int rows = 4 * LATENTS * s * s;
            Graph.Builder g = Graph.builder("render-mlp", Graph.Layout.ROWS, 20);
            Node x = g.linear(g.input(), random(16, 20), random(16));
            for (int l = 1; l < 6; l++) {
                x = g.linear(g.relu(x), random(16, 16), random(16));
            }
            x = g.linear(g.relu(x), random(3, 16), random(3));
            try (Executable e = backend.compile(g.build(x))) {
                System.out.printf(Locale.ROOT, "lmliif render MLP on the engine, x%d (%d rows): %.3f s%n", s, rows,
                        median(e, rows, 20, runs));
            }
            Graph.Builder m = Graph.builder("offset-classes", Graph.Layout.ROWS, 576);
            try (Executable e = backend.compile(m.build(m.linear(m.input(), random(3 * s * s, 576), null)))) {
                System.out.printf(Locale.ROOT, "metasr offset-class GEMM on the engine, x%d ([%d x 576] x [576 x %d]):"
                        + " %.3f s%n", s, LATENTS, 3 * s * s, median(e, LATENTS, 576, runs));
            }
        }
    }

    private static Parameter random(int... shape) {
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (RANDOM.nextFloat() - 0.5f) * 0.2f;
        }
        return new Parameter("random", shape, v);
    }

    private static double median(Executable e, int rows, int columns, int runs) {
        float[] input = new float[rows * columns];
        for (int i = 0; i < input.length; i++) {
            input[i] = RANDOM.nextFloat();
        }
        e.run(input, rows, columns);
        double[] seconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            e.run(input, rows, columns);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[runs / 2];
    }
}
