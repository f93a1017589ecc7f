package io.diif.backend.onnx;

import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Registers the ONNX Runtime backend. Discovery only looks for the ONNX Runtime classes and its native
 * library as class-path resources; nothing native is loaded before {@link #create()}.
 */
public final class OnnxBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "onnx";

    /** Called by {@link java.util.ServiceLoader}; cheap, loads nothing native. */
    public OnnxBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Optional<String> unavailableReason() {
        ClassLoader loader = OnnxBackendProvider.class.getClassLoader();
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, loader); // no static initialiser runs
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("ONNX Runtime is not on the class path (add com.microsoft.onnxruntime:onnxruntime)");
        }
        if (System.getProperty("onnxruntime.native.path") != null) {
            return Optional.empty(); // the user points ONNX Runtime at its natives; trust them
        }
        String library = System.mapLibraryName("onnxruntime");
        String platform = platform();
        if (platform != null && loader.getResource("ai/onnxruntime/native/" + platform + "/" + library) != null) {
            return Optional.empty();
        }
        if (onLibraryPath(library)) {
            return Optional.empty();
        }
        return Optional.of("the ONNX Runtime jar on the class path has no native library for "
                + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                + " (set -Donnxruntime.native.path to a folder holding " + library + ")");
    }

    @Override
    public Backend create() {
        return new OnnxBackend(OnnxSettings.fromSystemProperties());
    }

    /** The folder name ONNX Runtime's loader uses under {@code ai/onnxruntime/native/}, or null if none. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win"
                : os.contains("nux") ? "linux" : null;
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
                : arch.startsWith("aarch64") || arch.startsWith("arm64") ? "aarch64" : null;
        return o == null || a == null ? null : o + "-" + a;
    }

    private static boolean onLibraryPath(String library) {
        String path = System.getProperty("java.library.path", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isRegularFile(Path.of(dir, library))) {
                return true;
            }
        }
        return false;
    }
}
