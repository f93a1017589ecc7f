package io.diif.backend.tensorflow;

import io.diif.tck.BackendCompatibilityKit;

/** The shared backend compatibility kit, run on the TensorFlow backend. */
class TensorFlowBackendCompatibilityTest extends BackendCompatibilityKit {
    @Override
    protected String backendName() {
        return TensorFlowBackendProvider.NAME;
    }
}
