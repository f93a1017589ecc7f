package io.diif.backend.java;

import io.diif.tck.BackendCompatibilityKit;

/** The kit on the pure-Java engine with the decoders' first biases given as input columns of ones. */
class JavaBackendBiasColumnCompatibilityTest extends BackendCompatibilityKit {
    @Override
    protected String backendName() {
        return BiasColumnJavaBackendProvider.NAME;
    }
}
