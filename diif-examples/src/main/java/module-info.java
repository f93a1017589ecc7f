/**
 * The {@code diif} command line and runnable examples. An application, not a library: it exports nothing.
 * The backends and the default model are found at run time, so they are not required here.
 */
module io.diif.examples {
    requires io.diif;
    requires io.diif.server;
    requires io.diif.backend.onnx;
    requires info.picocli;
    requires me.tongfei.progressbar;

    // picocli fills the commands' option fields by reflection.
    opens io.diif.examples to info.picocli;
    opens io.diif.examples.cli to info.picocli;
    opens io.diif.examples.eval to info.picocli;
}
