/**
 * The PyTorch diif backend, on DJL's PyTorch engine with the libtorch CPU build from Maven Central.
 *
 * @provides io.diif.spi.BackendProvider as {@code pytorch}
 */
module io.diif.backend.pytorch {
    requires io.diif;
    requires org.slf4j;
    requires ai.djl.api;
    requires ai.djl.pytorch_engine;

    provides io.diif.spi.BackendProvider with io.diif.backend.pytorch.PyTorchBackendProvider;
}
