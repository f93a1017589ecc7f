/**
 * The ONNX Runtime diif backend, and the exporter that writes a model as standard ONNX files
 * ({@link io.diif.backend.onnx.OnnxModelExporter}, {@link io.diif.backend.onnx.OnnxExport}).
 *
 * @provides io.diif.spi.BackendProvider as {@code onnx}
 */
module io.diif.backend.onnx {
    // The exporter's and the backend's public signatures name io.diif types.
    requires transitive io.diif;
    requires org.slf4j;
    requires com.microsoft.onnxruntime;
    // sun.misc.Unsafe frees direct buffers at once on JDK 17-21 (see DirectBuffers).
    requires jdk.unsupported;

    exports io.diif.backend.onnx;

    provides io.diif.spi.BackendProvider with io.diif.backend.onnx.OnnxBackendProvider;
}
