package io.diif.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diif batch} on a standalone cluster of two workers on the loopback interface: the executors are
 * other JVMs that know nothing of this project but the cluster jar shipped to them (spark.jars), so model
 * loading, class loading and per-executor model reuse run as on a real cluster.
 */
class StandaloneClusterIT {
    @TempDir
    Path dir;

    @Test
    void batchOnTwoWorkersWritesWhatDiifUpscaleWrites() throws IOException {
        Path clusterJar = Path.of(System.getProperty("diif.spark.clusterJar", "target/diif-spark-cluster.jar"));
        assertTrue(Files.isRegularFile(clusterJar), clusterJar + " (built by package, before this test)");
        Path input = dir.resolve("in");
        Path output = dir.resolve("out");
        TestImages.writeFolder(input);
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(dir.resolve("cluster"), 2, 1, "1g")) {
            List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", output.toString(),
                    "--scale", "2", "--master", cluster.url(), "--partitions", "6"));
            cluster.driverSettings(clusterJar).forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
            BatchCommandTest.Run run = BatchCommandTest.batch(args.toArray(String[]::new));
            BatchCommandTest.assertBatchOutput(run, input, output, Files.createDirectories(dir.resolve("scratch")));

            // Two executors, each loaded the model once and ran tasks; none came from this JVM's class path.
            List<Path> logs = cluster.executorLogs();
            assertEquals(2, logs.size(), "executor logs " + logs);
            Pattern loaded = Pattern.compile("Loaded model default@onnx as DiifModel\\[");
            Pattern task = Pattern.compile("Running task ");
            for (Path log : logs) {
                String text = Files.readString(log);
                assertEquals(1, count(loaded, text), log + ":\n" + text);
                assertTrue(count(task, text) >= 1, log + ":\n" + text);
                assertTrue(text.contains("diif-spark-cluster.jar"), "classes fetched from the cluster jar: " + log);
            }
        }
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
