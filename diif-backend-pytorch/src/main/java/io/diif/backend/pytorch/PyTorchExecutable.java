package io.diif.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import io.diif.spi.support.HeapRows;
import io.diif.spi.support.ReuseSlot;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A graph bound to libtorch tensors. Weights live in one NDManager owned by this executable; each run
 * evaluates the nodes in order with DJL operators inside a sub-manager that is closed before the run
 * returns, and frees every intermediate tensor right after its last use.
 *
 * <p>Runs may overlap (they share only the read-only weights); {@link #close()} waits for runs in flight,
 * so weights are never freed under a running call.
 */
final class PyTorchExecutable implements Executable {
    private static final Shape STRIDE = new Shape(1, 1);
    private static final Shape DILATION = new Shape(1, 1);

    private final Graph graph;
    private final boolean image;
    private final NDManager manager;
    private final Consumer<PyTorchExecutable> onClose;
    /** Per node id: weight, bias (may be null) or scale factor tensors, owned by {@link #manager}. */
    private final NDArray[] weights;
    private final NDArray[] biases;
    private final Shape[] padding;
    /** Per node id: the id of the last node that reads it (the output is never freed early). */
    private final int[] lastUse;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ReuseSlot<TorchRows.Owned> kept = new ReuseSlot<>(TorchRows.Owned::close);
    private volatile boolean closed;

    PyTorchExecutable(Graph graph, NDManager manager, Consumer<PyTorchExecutable> onClose) {
        this.graph = graph;
        this.image = graph.layout() == Graph.Layout.IMAGE;
        this.manager = manager;
        this.onClose = onClose;
        int n = graph.nodes().size();
        this.weights = new NDArray[n];
        this.biases = new NDArray[n];
        this.padding = new Shape[n];
        this.lastUse = new int[n];
        try {
            for (Node node : graph.nodes()) {
                int id = node.id();
                if (node instanceof Node.Conv2d c) {
                    weights[id] = constant(c.weight());
                    biases[id] = c.bias() == null ? null : constant(c.bias());
                    padding[id] = new Shape(c.padH(), c.padW());
                } else if (node instanceof Node.Linear l) {
                    weights[id] = constant(l.weight());
                    biases[id] = l.bias() == null ? null : constant(l.bias());
                } else if (node instanceof Node.Scale s) {
                    weights[id] = manager.create(s.factor());
                }
                for (Node in : inputsOf(node)) {
                    lastUse[in.id()] = id;
                }
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        lastUse[graph.output().id()] = Integer.MAX_VALUE;
    }

    @Override
    public float[] run(float[] input, int... shape) {
        if (closed) {
            throw closedException();
        }
        int outCount = graph.checkRun(input, shape);
        return guarded(outCount == 0, () -> new float[0], scope -> evaluate(scope, input, shape));
    }

    /**
     * Runs {@code body} in a sub-manager closed before returning, under the read lock (so {@link #close()}
     * waits), on an open executable, with autograd off; {@code empty} instead when there is nothing to compute.
     */
    private <T> T guarded(boolean nothing, Supplier<T> empty, Function<NDManager, T> body) {
        ReentrantReadWriteLock.ReadLock read = lock.readLock();
        read.lock();
        try {
            if (closed) {
                throw closedException();
            }
            if (nothing) {
                return empty.get();
            }
            // Grad mode is per thread in libtorch; the weights never require grad, but make sure no
            // autograd state is recorded, and leave the caller's thread as it was.
            boolean grad = JniUtils.isGradMode();
            if (grad) {
                JniUtils.setGradMode(false);
            }
            try (NDManager scope = manager.newSubManager()) {
                return body.apply(scope);
            } finally {
                if (grad) {
                    JniUtils.setGradMode(true);
                }
            }
        } finally {
            read.unlock();
        }
    }

    private float[] evaluate(NDManager scope, float[] input, int[] shape) {
        NDArray in = image
                ? tensor(scope, input, new Shape(1, shape[0], shape[1], shape[2]))
                : tensor(scope, input, new Shape(shape[0], shape[1]));
        return evaluate(scope, in, true).toFloatArray();
    }

    /**
     * Evaluates the graph on {@code input}; {@code ownsInput}: free it after its last use. Intermediates
     * are freed after their last use; the output is returned (never the input itself).
     */
    private NDArray evaluate(NDManager scope, NDArray input, boolean ownsInput) {
        List<Node> nodes = graph.nodes();
        NDArray[] values = new NDArray[nodes.size()];
        values[0] = input;
        for (Node node : nodes) {
            int id = node.id();
            if (node instanceof Node.Input) {
                continue;
            } else if (node instanceof Node.Conv2d c) {
                values[id] = conv2d(scope, values[c.input().id()], id);
            } else if (node instanceof Node.Linear l) {
                values[id] = Linear.linear(values[l.input().id()], weights[id], biases[id]).singletonOrThrow();
            } else if (node instanceof Node.Relu r) {
                values[id] = Activation.relu(values[r.input().id()]);
            } else if (node instanceof Node.Scale s) {
                values[id] = values[s.input().id()].mul(weights[id]);
            } else if (node instanceof Node.Add a) {
                values[id] = values[a.left().id()].add(values[a.right().id()]);
            } else if (node instanceof Node.Concat c) {
                NDList parts = new NDList(c.inputs().size());
                for (Node in : c.inputs()) {
                    parts.add(values[in.id()]);
                }
                values[id] = NDArrays.concat(parts, 1);
            } else if (node instanceof Node.PixelShuffle p) {
                values[id] = pixelShuffle(values[p.input().id()], p);
            } else {
                throw new IllegalStateException("graph " + graph.name() + ": unknown node " + node);
            }
            // Free what no later node reads, so peak memory stays near the widest cut of the graph.
            for (Node in : inputsOf(node)) {
                NDArray v = values[in.id()];
                if (v != null && lastUse[in.id()] == id && (ownsInput || v != input)) {
                    v.close();
                    values[in.id()] = null;
                }
            }
        }
        NDArray out = values[graph.output().id()];
        if (out.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("graph " + graph.name() + " produced " + out.getDataType());
        }
        return out == input && !ownsInput ? out.duplicate() : out;
    }

    private NDArray conv2d(NDManager scope, NDArray x, int id) {
        Shape pad = padding[id];
        Shape w = weights[id].getShape();
        Shape in = x.getShape();
        long oh = in.get(2) + 2 * pad.get(0) - w.get(2) + 1;
        long ow = in.get(3) + 2 * pad.get(1) - w.get(3) + 1;
        if (oh == 0 || ow == 0) {
            // libtorch rejects kernels larger than the padded input; the result is simply empty.
            return scope.create(new Shape(in.get(0), w.get(0), oh, ow), DataType.FLOAT32);
        }
        if (x.size() == 0) {
            // libtorch rejects empty inputs; with zero padding the result is the same as convolving an
            // all-zero input of the padded size without padding.
            Shape s = x.getShape();
            x = scope.zeros(new Shape(s.get(0), s.get(1), s.get(2) + 2 * pad.get(0), s.get(3) + 2 * pad.get(1)));
            pad = new Shape(0, 0);
        }
        return Conv2d.conv2d(x, weights[id], biases[id], STRIDE, pad, DILATION).singletonOrThrow();
    }

    /** A float32 tensor allocated by libtorch (freed when its manager closes) holding a copy of values. */
    private static NDArray tensor(NDManager owner, float[] values, Shape shape) {
        NDArray t = owner.create(shape, DataType.FLOAT32);
        if (values.length > 0) {
            // For a contiguous CPU tensor this buffer is a view of the tensor's own memory.
            t.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(values);
        }
        return t;
    }

    private NDArray constant(Parameter p) {
        int[] dims = p.shape();
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[i];
        }
        return tensor(manager, p.values(), new Shape(shape));
    }

    /** PyTorch's PixelShuffle: [1, C·r², H, W] → [1, C, r, r, H, W] → [1, C, H, r, W, r] → [1, C, H·r, W·r]. */
    private static NDArray pixelShuffle(NDArray x, Node.PixelShuffle p) {
        long r = p.factor();
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        try (NDArray split = x.reshape(1, p.channels(), r, r, h, w);
                NDArray moved = split.transpose(0, 1, 4, 2, 5, 3)) {
            return moved.reshape(1, p.channels(), h * r, w * r);
        }
    }

    private static List<Node> inputsOf(Node node) {
        if (node instanceof Node.Conv2d c) {
            return List.of(c.input());
        } else if (node instanceof Node.Linear l) {
            return List.of(l.input());
        } else if (node instanceof Node.Relu r) {
            return List.of(r.input());
        } else if (node instanceof Node.Scale s) {
            return List.of(s.input());
        } else if (node instanceof Node.Add a) {
            return List.of(a.left(), a.right());
        } else if (node instanceof Node.Concat c) {
            return c.inputs();
        } else if (node instanceof Node.PixelShuffle p) {
            return List.of(p.input());
        }
        return List.of();
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("executable for graph " + graph.name() + " is closed");
    }

    /** Row graphs take their input in, and give their output as, libtorch tensors: no copy either way. */
    @Override
    public boolean allocatesEngineRows() {
        return !image;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Rows allocate(int rows, int columns) {
        graph.checkInputShape(rows, columns); // also refuses image graphs: they take rank 3
        if (closed) {
            throw closedException();
        }
        return TorchRows.input(kept, manager, rows, columns);
    }

    @Override
    public Rows run(Rows input) {
        int rows = input.rows();
        int[] outShape = graph.outputShape(rows, input.columns());
        return guarded(rows == 0, () -> new HeapRows(new float[0], 0, outShape[1]), scope -> {
            NDArray in = input instanceof TorchRows own ? own.array()
                    : tensor(scope, input.toArray(), new Shape(rows, input.columns()));
            return TorchRows.adopt(evaluate(scope, in, !(input instanceof TorchRows)), outShape[0], outShape[1]);
        });
    }

    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            kept.close();
            manager.close();
        } finally {
            write.unlock();
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "PyTorchExecutable[" + graph.name() + (closed ? ", closed" : "") + "]";
    }
}
