package io.diif.backend.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import io.diif.spi.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test-only backend {@value #NAME}: compiles a graph by loading {@code <graph name>.onnx} from a folder
 * of exported files, ignoring the graph's weights, so a model run on it proves that the files alone carry
 * the networks. The folder is {@link #directory(Path)}, else the system property {@value #DIRECTORY_PROPERTY};
 * it is read at each compile, so one process can run several exported models in turn.
 *
 * <p>Priority 0: never chosen unless named, so it leaves the module's other tests on {@code onnx}.
 */
public final class OnnxFilesBackendProvider implements BackendProvider {
    public static final String NAME = "onnx-files";
    public static final String DIRECTORY_PROPERTY = "diif.onnx.files.dir";

    private static volatile Path directory;

    /** Sets the folder later compiles load from (null: use {@value #DIRECTORY_PROPERTY}). */
    public static void directory(Path dir) {
        directory = dir;
    }

    static Path currentDirectory() {
        Path d = directory;
        if (d == null && System.getProperty(DIRECTORY_PROPERTY) != null) {
            d = Path.of(System.getProperty(DIRECTORY_PROPERTY));
        }
        if (d == null) {
            throw new IllegalStateException("backend " + NAME + " has no folder: call OnnxFilesBackendProvider"
                    + ".directory(path) or set -D" + DIRECTORY_PROPERTY);
        }
        return d;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Backend create() {
        return new FilesBackend();
    }

    /** Sessions on exported files, with ONNX Runtime's default options. */
    static final class FilesBackend implements Backend {
        private final OrtEnvironment environment = OrtEnvironment.getEnvironment();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return NAME + " (ONNX Runtime " + environment.getVersion() + ", models read from " + directory + ")";
        }

        @Override
        public Executable compile(Graph graph) {
            Path file = currentDirectory().resolve(graph.name() + ".onnx");
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no exported file " + file + " for graph " + graph.name());
            }
            try {
                OrtSession session = environment.createSession(file.toString(), new OrtSession.SessionOptions());
                try {
                    checkSignature(graph, session, file);
                } catch (RuntimeException e) {
                    session.close();
                    throw e;
                }
                // OnnxExecutable takes only the graph's layout and shapes (to check inputs and size outputs).
                return new OnnxExecutable(graph, environment, session);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
            }
        }

        /** The file must take and give what the graph does: same names, rank and channel counts. */
        private static void checkSignature(Graph graph, OrtSession session, Path file) throws OrtException {
            NodeInfo in = session.getInputInfo().get(OnnxExport.INPUT_NAME);
            NodeInfo out = session.getOutputInfo().get(OnnxExport.OUTPUT_NAME);
            if (in == null || out == null || session.getNumInputs() != 1 || session.getNumOutputs() != 1) {
                throw new IllegalStateException(file + " must have exactly one input '" + OnnxExport.INPUT_NAME
                        + "' and one output '" + OnnxExport.OUTPUT_NAME + "'");
            }
            long[] inShape = ((TensorInfo) in.getInfo()).getShape();
            long[] outShape = ((TensorInfo) out.getInfo()).getShape();
            boolean image = graph.layout() == Graph.Layout.IMAGE;
            int rank = image ? 4 : 2;
            if (inShape.length != rank || outShape.length != rank || inShape[1] != graph.input().channels()
                    || outShape[1] != graph.output().channels()) {
                throw new IllegalStateException(file + " takes " + Arrays.toString(inShape) + " and gives "
                        + Arrays.toString(outShape) + "; graph " + graph.name() + " needs " + graph.input().channels()
                        + " → " + graph.output().channels() + " channels, rank " + rank);
            }
        }

        @Override
        public void close() {
            // The environment is process-wide; sessions are closed by their executables.
        }
    }
}
