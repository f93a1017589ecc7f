package io.diif.backend.java;

import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;

/** Registers the pure-Java backend: always available, picked only when no native backend is present. */
public final class JavaBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "java";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Backend create() {
        return new JavaBackend();
    }
}
