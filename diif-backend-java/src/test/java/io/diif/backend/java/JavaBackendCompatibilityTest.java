package io.diif.backend.java;

import io.diif.tck.BackendCompatibilityKit;

class JavaBackendCompatibilityTest extends BackendCompatibilityKit {
    @Override
    protected String backendName() {
        return JavaBackendProvider.NAME;
    }
}
