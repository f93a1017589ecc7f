/**
 * The TensorFlow Java diif backend.
 *
 * @provides io.diif.spi.BackendProvider as {@code tensorflow}
 */
module io.diif.backend.tensorflow {
    requires io.diif;
    requires org.slf4j;
    requires tensorflow;
    requires org.tensorflow.ndarray;

    provides io.diif.spi.BackendProvider with io.diif.backend.tensorflow.TensorFlowBackendProvider;
}
