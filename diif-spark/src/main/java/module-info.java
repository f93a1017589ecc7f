/**
 * Batch upscaling on Apache Spark: the {@link io.diif.spark.Upscaler} ML transformer and the
 * {@code diif batch} job ({@link io.diif.spark.BatchCommand}).
 *
 * <p>Spark runs on the class path: its jars are not modules and their file names (such as
 * {@code spark-sql_2.13}) give no valid automatic module name. This module therefore names no Spark
 * module; it is compiled reading the class path ({@code --add-reads io.diif.spark=ALL-UNNAMED}), and an
 * application that puts it on the module path passes the same option with Spark on the class path.
 */
module io.diif.spark {
    requires transitive io.diif;
    requires org.slf4j;
    requires info.picocli;

    exports io.diif.spark;
    // picocli sets the job's option fields reflectively.
    opens io.diif.spark to info.picocli;
}
