/**
 * The backend compatibility kit: {@link io.diif.tck.BackendCompatibilityKit}, an abstract JUnit 5 class a
 * backend's tests extend, and the reference outputs it checks against ({@link io.diif.tck.Golden}).
 */
module io.diif.tck {
    requires transitive io.diif;
    requires transitive org.junit.jupiter.api;

    exports io.diif.tck;
    // JUnit runs the kit's nested test classes and package-private test methods reflectively.
    opens io.diif.tck to org.junit.platform.commons;
    // The reference model and outputs are read by name through class loaders (DiifModel's among them).
    opens io.diif.tck.golden;
}
