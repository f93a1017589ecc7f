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
    /** The name of the model's one input. */
    public static final String INPUT_NAME = OnnxModelBuilder.INPUT;
    /** The name of the model's one output. */
    public static final String OUTPUT_NAME = OnnxModelBuilder.OUTPUT;
    /** The ONNX IR version the model declares. */
    public static final long IR_VERSION = OnnxModelBuilder.IR_VERSION;
    /** The ONNX operator set (default domain) the model uses. */
    public static final long OPSET = OnnxModelBuilder.OPSET;

    private OnnxExport() {
    }

    /**
     * Serialises a graph as an ONNX model.
     *
     * @param graph the graph
     * @return the serialised ONNX {@code ModelProto}
     * @throws IllegalArgumentException if the model would exceed 2 GiB
     */
    public static byte[] toBytes(Graph graph) {
        return OnnxModelBuilder.build(graph);
    }

    /**
     * Writes a graph as an ONNX model to a stream.
     *
     * @param graph the graph
     * @param stream where the model goes; it stays open
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the model would exceed 2 GiB
     */
    public static void write(Graph graph, OutputStream stream) throws IOException {
        OnnxModelBuilder.buildWriter(graph).writeTo(stream);
    }

    /**
     * Writes a graph as an ONNX model file, replacing the file; parent directories are created.
     *
     * @param graph the graph
     * @param file the model file, conventionally {@code <graph name>.onnx}
     * @throws IOException if a directory or the file cannot be written
     * @throws IllegalArgumentException if the model would exceed 2 GiB
     */
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
