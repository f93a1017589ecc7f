package io.diif.examples;

import io.diif.examples.cli.UsageException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code diif batch}: listed here so that it shows in the usage and the completion, but it runs on Apache
 * Spark from diif-spark's jar, which the {@code ./diif} launcher starts instead of this one. Started from
 * this jar, it says so.
 */
@Command(name = "batch",
        customSynopsis = {"diif batch --input DIR --output DIR (--scale S | --size WxH) [--model FILE] [--backend NAME]",
            "           [--master URL] [--partitions N]"},
        description = {"Every file under DIR upscaled with Apache Spark (local or spark://HOST:PORT): OUTPUT/<path>.png,"
                + " OUTPUT/manifest.csv; 'diif batch --help' for more (docs/spark.md)."})
final class BatchCommand implements Callable<Integer> {
    /** Whatever was given: batch's own options belong to diif-spark's command. */
    @Parameters(hidden = true)
    private List<String> args = List.of();

    @Override
    public Integer call() {
        throw new UsageException("batch runs on Apache Spark from diif-spark's jar: start it with the ./diif"
                + " launcher, or spark-submit diif-spark-cluster.jar (docs/spark.md)");
    }
}
