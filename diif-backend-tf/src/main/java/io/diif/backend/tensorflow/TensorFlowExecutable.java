package io.diif.backend.tensorflow;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import io.diif.spi.support.HeapRows;
import io.diif.spi.support.ReuseSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * One {@link Graph} compiled into a TensorFlow graph and session.
 *
 * <p>Internally everything runs NHWC (TensorFlow's CPU convolutions are much slower in NCHW): the
 * {@code [C,H,W]} input is fed as {@code [1,C,H,W]} and transposed in the graph, convolution weights are
 * stored HWIO, and the output is transposed back. Dense weights are stored {@code [in,out]}.
 *
 * <p>Thread-safe, one run at a time per session: concurrent {@code TF_SessionRun} calls on one session
 * crashed the JVM (SIGSEGV in {@code tensorflow::CreateAndExecuteReorder}, the oneDNN kernels' cached
 * weight reorders, TensorFlow Java 1.0.0) and before that gave results differing by 2e-5. Each run
 * already uses every core through the intra-op pool, so little throughput is lost; different
 * executables (the encoder and the decoder graphs) still run concurrently.
 */
final class TensorFlowExecutable implements Executable {
    private static final int[] NCHW_TO_NHWC = {0, 2, 3, 1};
    private static final int[] NHWC_TO_NCHW = {0, 3, 1, 2};
    private static final List<Long> UNIT_STRIDES = List.of(1L, 1L, 1L, 1L);

    private final Graph graph;
    private final boolean image;
    private final org.tensorflow.Graph tfGraph;
    private final Session session;
    private final Placeholder<TFloat32> input;
    private final Operand<TFloat32> output;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReuseSlot<TFloat32> kept = new ReuseSlot<>(TFloat32::close);
    private boolean closed;

    TensorFlowExecutable(Graph graph, ConfigProto config) {
        this.graph = graph;
        this.image = graph.layout() == Graph.Layout.IMAGE;
        this.tfGraph = new org.tensorflow.Graph();
        Placeholder<TFloat32> in;
        Operand<TFloat32> out;
        Session s;
        try {
            Ops tf = Ops.create(tfGraph);
            int channels = graph.input().channels();
            if (image) {
                in = tf.withName("input").placeholder(TFloat32.class,
                        Placeholder.shape(Shape.of(1, channels, Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE)));
            } else {
                in = tf.withName("input").placeholder(TFloat32.class,
                        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, channels)));
            }
            out = build(tf, in);
            s = new Session(tfGraph, config);
        } catch (RuntimeException | Error e) {
            tfGraph.close();
            throw e;
        }
        this.input = in;
        this.output = out;
        this.session = s;
    }

    private Operand<TFloat32> build(Ops tf, Placeholder<TFloat32> in) {
        List<Node> nodes = graph.nodes();
        List<Operand<TFloat32>> values = new ArrayList<>(nodes.size());
        int concatAxis = image ? 3 : 1;
        for (Node node : nodes) {
            Operand<TFloat32> y;
            if (node instanceof Node.Input) {
                y = image ? tf.linalg.transpose(in, tf.constant(NCHW_TO_NHWC)) : in;
            } else if (node instanceof Node.Conv2d c) {
                y = conv2d(tf, values.get(c.input().id()), c);
            } else if (node instanceof Node.Linear l) {
                Parameter w = l.weight();
                int outC = w.dim(0);
                int inC = w.dim(1);
                Operand<TFloat32> wT = tf.constant(Shape.of(inC, outC),
                        DataBuffers.of(transpose(w.values(), outC, inC), true, false));
                y = tf.linalg.matMul(values.get(l.input().id()), wT);
                if (l.bias() != null) {
                    y = tf.nn.biasAdd(y, vector(tf, l.bias()));
                }
            } else if (node instanceof Node.Relu r) {
                y = tf.nn.relu(values.get(r.input().id()));
            } else if (node instanceof Node.Scale s) {
                y = tf.math.mul(values.get(s.input().id()), tf.constant(s.factor()));
            } else if (node instanceof Node.Add a) {
                y = tf.math.add(values.get(a.left().id()), values.get(a.right().id()));
            } else if (node instanceof Node.Concat c) {
                if (c.inputs().size() == 1) {
                    y = values.get(c.inputs().get(0).id()); // ConcatV2 needs at least two inputs
                } else {
                    List<Operand<TFloat32>> parts = new ArrayList<>(c.inputs().size());
                    for (Node part : c.inputs()) {
                        parts.add(values.get(part.id()));
                    }
                    y = tf.concat(parts, tf.constant(concatAxis));
                }
            } else if (node instanceof Node.PixelShuffle p) {
                y = pixelShuffle(tf, values.get(p.input().id()), p);
            } else {
                throw new IllegalArgumentException("graph " + graph.name() + ": unsupported node " + node);
            }
            values.add(y);
        }
        Operand<TFloat32> result = values.get(graph.output().id());
        if (image) {
            result = tf.linalg.transpose(result, tf.constant(NHWC_TO_NCHW));
        }
        // Identity: never fetch the fed placeholder itself (a graph may be the identity).
        return tf.withName("output").identity(result);
    }

    /**
     * PyTorch's PixelShuffle on NHWC: TensorFlow's depth_to_space reads channel (a·r + b)·C + c where PyTorch
     * reads c·r² + a·r + b, so the channels are first gathered into its order.
     */
    private static Operand<TFloat32> pixelShuffle(Ops tf, Operand<TFloat32> x, Node.PixelShuffle p) {
        int r = p.factor();
        int c = p.channels();
        int[] order = new int[c * r * r];
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < r * r; k++) {
                order[k * c + ch] = ch * r * r + k;
            }
        }
        Operand<TFloat32> gathered = tf.gather(x, tf.constant(order), tf.constant(3));
        return tf.nn.depthToSpace(gathered, (long) r);
    }

    /**
     * Stride-1 cross-correlation with zero padding. Symmetric "same" padding of an odd kernel uses
     * TensorFlow's SAME (the fastest, fusable path), no padding VALID, anything else EXPLICIT padding.
     */
    private static Operand<TFloat32> conv2d(Ops tf, Operand<TFloat32> x, Node.Conv2d c) {
        Parameter w = c.weight();
        int outC = w.dim(0);
        int inC = w.dim(1);
        int kh = c.kernelH();
        int kw = c.kernelW();
        Operand<TFloat32> filter = tf.constant(Shape.of(kh, kw, inC, outC),
                DataBuffers.of(oihwToHwio(w.values(), outC, inC, kh, kw), true, false));
        int ph = c.padH();
        int pw = c.padW();
        Operand<TFloat32> y;
        if (ph == 0 && pw == 0) {
            y = tf.nn.conv2d(x, filter, UNIT_STRIDES, "VALID");
        } else if (kh % 2 == 1 && kw % 2 == 1 && ph == kh / 2 && pw == kw / 2) {
            y = tf.nn.conv2d(x, filter, UNIT_STRIDES, "SAME");
        } else {
            // A Pad, then VALID, rather than EXPLICIT padding: TensorFlow's EXPLICIT conv divides by zero
            // (SIGFPE, seen on a 2-vCPU AVX2 EPYC) when the unpadded input is empty. No model graph pads
            // this way (their kernels are odd with "same" padding), so the extra copy costs them nothing.
            Operand<TFloat32> padded = tf.pad(x, tf.constant(new int[][] {{0, 0}, {ph, ph}, {pw, pw}, {0, 0}}),
                    tf.constant(0f));
            y = tf.nn.conv2d(padded, filter, UNIT_STRIDES, "VALID");
        }
        if (c.bias() != null) {
            y = tf.nn.biasAdd(y, vector(tf, c.bias()));
        }
        return y;
    }

    private static Operand<TFloat32> vector(Ops tf, Parameter p) {
        return tf.constant(Shape.of(p.values().length), DataBuffers.of(p.values(), true, false));
    }

    @Override
    public float[] run(float[] input, int... shape) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("executable for graph " + graph.name() + " is closed");
            }
            int count = graph.checkRun(input, shape);
            int[] outShape = graph.outputShape(shape);
            if (count == 0) {
                return new float[0]; // e.g. zero rows: nothing to compute, TensorFlow is not called
            }
            Shape feedShape = image ? Shape.of(1, shape[0], shape[1], shape[2]) : Shape.of(shape[0], shape[1]);
            try (TFloat32 x = TFloat32.tensorOf(feedShape, DataBuffers.of(input, true, false));
                 Result result = session.runner().feed(this.input, x).fetch(output).run()) {
                TFloat32 y = (TFloat32) result.get(0);
                if (y.shape().size() != count) {
                    throw new IllegalStateException("graph " + graph.name() + ": TensorFlow returned shape "
                            + y.shape() + ", expected " + Arrays.toString(outShape));
                }
                float[] values = new float[(int) count];
                y.copyTo(DataBuffers.of(values, false, false));
                return values;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Graph graph() {
        return graph;
    }

    /** Row inputs live in TensorFlow tensors, so the core writes them where the session reads them. */
    @Override
    public boolean allocatesEngineRows() {
        return !image;
    }

    @Override
    public Rows allocate(int rows, int columns) {
        graph.checkInputShape(rows, columns); // also refuses image graphs: they take rank 3
        return TensorRows.input(kept, rows, columns);
    }

    @Override
    public Rows run(Rows input) {
        int rows = input.rows();
        int[] outShape = graph.outputShape(rows, input.columns());
        TensorRows own = input instanceof TensorRows t ? t : null;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("executable for graph " + graph.name() + " is closed");
            }
            if (rows == 0) {
                return new HeapRows(new float[0], 0, outShape[1]);
            }
            try (TFloat32 copied = own == null ? TFloat32.tensorOf(Shape.of(rows, input.columns()),
                    DataBuffers.of(input.toArray(), true, false)) : null) {
                Result result = session.runner().feed(this.input, own != null ? own.tensor() : copied).fetch(output)
                        .run();
                try {
                    if (result.get(0).shape().size() != (long) outShape[0] * outShape[1]) {
                        throw new IllegalStateException("graph " + graph.name() + ": TensorFlow returned shape "
                                + result.get(0).shape() + ", expected " + Arrays.toString(outShape));
                    }
                    return TensorRows.output(result, outShape[0], outShape[1]);
                } catch (RuntimeException e) {
                    result.close();
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            kept.close();
            try {
                session.close();
            } finally {
                tfGraph.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TensorFlowExecutable[" + graph + (closed ? ", closed" : "") + "]";
    }

    /** {@code [out, in, kh, kw]} (PyTorch) to {@code [kh, kw, in, out]} (TensorFlow HWIO). */
    static float[] oihwToHwio(float[] w, int out, int in, int kh, int kw) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        t[((y * kw + x) * in + i) * out + o] = w[((o * in + i) * kh + y) * kw + x];
                    }
                }
            }
        }
        return t;
    }

    /** {@code [out, in]} to {@code [in, out]}. */
    static float[] transpose(float[] w, int out, int in) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                t[k * out + o] = w[o * in + k];
            }
        }
        return t;
    }
}
