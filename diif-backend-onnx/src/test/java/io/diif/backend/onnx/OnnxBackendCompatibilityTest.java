package io.diif.backend.onnx;

import io.diif.tck.BackendCompatibilityKit;

/** The shared compatibility kit, run on the ONNX Runtime backend. */
class OnnxBackendCompatibilityTest extends BackendCompatibilityKit {
    @Override
    protected String backendName() {
        return OnnxBackendProvider.NAME;
    }
}
