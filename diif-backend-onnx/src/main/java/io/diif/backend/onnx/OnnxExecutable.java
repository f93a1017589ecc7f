package io.diif.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.diif.graph.Graph;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import io.diif.spi.support.HeapRows;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One graph compiled into one ONNX Runtime session. Runs share the session (ONNX Runtime allows
 * concurrent runs); a read-write lock keeps {@link #close()} from freeing it under a running call.
 * Every native tensor and result of a run is closed before the run returns.
 */
final class OnnxExecutable implements Executable {
    private final Graph graph;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final DirectBuffers buffers = new DirectBuffers();
    private boolean closed; // guarded by lock

    OnnxExecutable(Graph graph, OrtEnvironment environment, OrtSession session) {
        this.graph = graph;
        this.environment = environment;
        this.session = session;
    }

    @Override
    public float[] run(float[] input, int... shape) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("executable for graph " + graph.name() + " is closed");
            }
            int outCount = graph.checkRun(input, shape);
            if (outCount == 0) {
                return new float[0]; // e.g. N = 0 rows: nothing to compute, and ORT need not see it
            }
            return runSession(input, shape, outCount);
        } finally {
            lock.readLock().unlock();
        }
    }

    private float[] runSession(float[] input, int[] shape, int outCount) {
        long[] dims = graph.layout() == Graph.Layout.IMAGE
                ? new long[] {1, shape[0], shape[1], shape[2]}
                : new long[] {shape[0], shape[1]};
        try (OnnxTensor in = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), dims);
                OrtSession.Result result = session.run(Map.of(OnnxModelBuilder.INPUT, in))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor out)) {
                throw new IllegalStateException("ONNX Runtime returned " + value + " for graph " + graph.name());
            }
            FloatBuffer values = out.getFloatBuffer(); // a heap copy of the native output
            if (values == null || values.remaining() != outCount) {
                throw new IllegalStateException("ONNX Runtime returned " + Arrays.toString(out.getInfo().getShape())
                        + " for graph " + graph.name() + ", expected " + outCount + " values");
            }
            if (values.hasArray() && values.arrayOffset() == 0 && values.position() == 0
                    && values.array().length == outCount) {
                return values.array();
            }
            float[] copy = new float[outCount];
            values.get(copy);
            return copy;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run graph " + graph.name() + " on "
                    + Arrays.toString(shape) + ": " + e.getMessage(), e);
        }
    }

    /** Row graphs read their input from, and write their output to, direct buffers in place. */
    @Override
    public boolean allocatesEngineRows() {
        return graph.layout() == Graph.Layout.ROWS;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Rows allocate(int rows, int columns) {
        graph.checkInputShape(rows, columns); // also refuses image graphs: they take rank 3
        return new BufferRows(buffers, rows, columns);
    }

    @Override
    public Rows run(Rows input) {
        int rows = input.rows();
        int[] outShape = graph.outputShape(rows, input.columns());
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("executable for graph " + graph.name() + " is closed");
            }
            if (rows == 0) {
                return new HeapRows(new float[0], 0, outShape[1]);
            }
            // Rows from elsewhere are copied into a buffer of ours once; ours are read in place.
            BufferRows in = input instanceof BufferRows own ? own : copyOf(input);
            try {
                return runInPlace(in, outShape);
            } finally {
                if (in != input) {
                    in.close();
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private BufferRows copyOf(Rows input) {
        BufferRows copy = new BufferRows(buffers, input.rows(), input.columns());
        copy.write(0, input.rows(), input.toArray());
        return copy;
    }

    /** One run reading {@code in} and writing a new output buffer in place (a pinned output). */
    private BufferRows runInPlace(BufferRows in, int[] outShape) {
        BufferRows out = new BufferRows(buffers, outShape[0], outShape[1]);
        try (OnnxTensor inTensor = OnnxTensor.createTensor(environment, in.buffer(),
                     new long[] {in.rows(), in.columns()});
             OnnxTensor outTensor = OnnxTensor.createTensor(environment, out.buffer(),
                     new long[] {outShape[0], outShape[1]});
             OrtSession.Result result = session.run(Map.of(OnnxModelBuilder.INPUT, inTensor),
                     Map.of(OnnxModelBuilder.OUTPUT, outTensor))) {
            return out;
        } catch (OrtException e) {
            out.close();
            throw new IllegalStateException("ONNX Runtime failed to run graph " + graph.name() + " on "
                    + in.rows() + " rows: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffers.close();
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close the session of graph " + graph.name(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
