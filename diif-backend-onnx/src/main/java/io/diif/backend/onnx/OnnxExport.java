package io.diif.backend.onnx;

import io.diif.graph.Graph;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link Graph} as a standalone ONNX model, the same model the ONNX backend runs.
 *
 * <p>The model has one float32 input named {@value #INPUT_NAME} and one output named
 * {@value #OUTPUT_NAME}. Image graphs take {@code [1, C, H, W]} (symbolic {@code H}, {@code W}) and give
 * {@code [1, C', H', W']}; row graphs take {@code [N, C]} (symbolic {@code N}) and give {@code [N, C']}.
 * IR version {@value #IR_VERSION}, opset {@value #OPSET}; weights are embedded, so a model is limited to
 * 2 GiB. Needs no native code: exporting works where ONNX Runtime cannot run.
 */
public final class OnnxExport {
    public static final String INPUT_NAME = OnnxModelBuilder.INPUT;
    public static final String OUTPUT_NAME = OnnxModelBuilder.OUTPUT;
    public static final long IR_VERSION = OnnxModelBuilder.IR_VERSION;
    public static final long OPSET = OnnxModelBuilder.OPSET;

    private OnnxExport() {
    }

    /** The serialised ONNX {@code ModelProto} of {@code graph}. */
    public static byte[] toBytes(Graph graph) {
        return OnnxModelBuilder.build(graph);
    }

    /** Writes the model to {@code stream} (which stays open). */
    public static void write(Graph graph, OutputStream stream) throws IOException {
        OnnxModelBuilder.buildWriter(graph).writeTo(stream);
    }

    /** Writes the model to {@code file}, replacing it; parent directories are created. */
    public static void write(Graph graph, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(graph, out);
        }
    }
}
