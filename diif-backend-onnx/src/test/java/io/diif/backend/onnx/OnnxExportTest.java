package io.diif.backend.onnx;

import static io.diif.backend.onnx.TestGraphs.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.diif.backend.java.JavaBackend;
import io.diif.graph.Graph;
import io.diif.spi.Executable;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported models load in a plain ONNX Runtime session, with default options, and compute the same. */
class OnnxExportTest {

    private static float[] runPlain(OrtSession session, float[] input, long... dims) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), dims);
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT_NAME, in))) {
            OnnxTensor out = (OnnxTensor) result.get(OnnxExport.OUTPUT_NAME).orElseThrow();
            FloatBuffer values = out.getFloatBuffer();
            float[] copy = new float[values.remaining()];
            values.get(copy);
            return copy;
        }
    }

    private static float[] runJava(Graph g, float[] input, int... shape) {
        try (Executable e = new JavaBackend().compile(g)) {
            return e.run(input, shape);
        }
    }

    @Test
    void exportedImageModelLoadsFromBytesAndMatchesJava() throws Exception {
        TestGraphs t = new TestGraphs(21);
        Graph g = t.edsrWithBranches();
        byte[] model = OnnxExport.toBytes(g);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model)) {
            TensorInfo in = (TensorInfo) session.getInputInfo().get(OnnxExport.INPUT_NAME).getInfo();
            assertArrayEquals(new long[] {1, 3, -1, -1}, in.getShape(), "H and W are symbolic");
            TensorInfo out = (TensorInfo) session.getOutputInfo().get(OnnxExport.OUTPUT_NAME).getInfo();
            assertArrayEquals(new long[] {1, 6, -1, -1}, out.getShape());
            for (int[] shape : TestGraphs.imageShapes(3)) {
                float[] input = t.input(shape[0] * shape[1] * shape[2]);
                assertClose(runJava(g, input, shape), runPlain(session, input, 1, shape[0], shape[1], shape[2]),
                        1e-5, "exported " + g.name());
            }
        }
    }

    @Test
    void exportedRowModelLoadsFromAFileAndMatchesJava(@TempDir Path dir) throws Exception {
        TestGraphs t = new TestGraphs(22);
        Graph g = t.mlp(9, 16, 4);
        Path file = dir.resolve("sub/mlp.onnx");
        OnnxExport.write(g, file);
        assertArrayEquals(OnnxExport.toBytes(g), Files.readAllBytes(file), "file and bytes are the same model");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString())) {
            TensorInfo in = (TensorInfo) session.getInputInfo().get(OnnxExport.INPUT_NAME).getInfo();
            assertArrayEquals(new long[] {-1, 9}, in.getShape(), "N is symbolic");
            assertEquals("diif-java", session.getMetadata().getProducerName());
            float[] input = t.input(100 * 9);
            assertClose(runJava(g, input, 100, 9), runPlain(session, input, 100, 9), 1e-5, "exported mlp");
        }
    }

    @Test
    void sizePreservingImageModelsDeclareTheirOutputSize() throws Exception {
        Graph g = new TestGraphs(23).edsr(3, 4, 1, 0.1f);
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(OnnxExport.toBytes(g))) {
            assertEquals("[H, W]", java.util.Arrays.toString(java.util.Arrays.copyOfRange(
                    ((TensorInfo) session.getOutputInfo().get(OnnxExport.OUTPUT_NAME).getInfo()).getDimensionNames(), 2, 4)));
        }
    }
}
