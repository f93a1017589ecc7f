package io.diif.backend.pytorch;

import io.diif.tck.BackendCompatibilityKit;

/** The shared compatibility kit, run on the PyTorch backend. */
class PyTorchBackendCompatibilityTest extends BackendCompatibilityKit {
    @Override
    protected String backendName() {
        return PyTorchBackendProvider.NAME;
    }
}
