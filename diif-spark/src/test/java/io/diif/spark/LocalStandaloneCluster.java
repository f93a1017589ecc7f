package io.diif.spark;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on the loopback interface: a master and workers as separate JVMs, started from
 * the Spark jars of this JVM's class path (never this project's classes: executors must get those from the
 * cluster jar, as on a real cluster). Bounded waits; {@link #close()} ends every process it started.
 */
final class LocalStandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path home;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;
    private final String sparkClassPath;

    /**
     * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} (e.g. "1g") each,
     * and waits until all are registered.
     */
    LocalStandaloneCluster(Path home, int workers, int cores, String memory) throws IOException {
        this.home = home;
        // Spark's launcher needs SPARK_HOME/jars to exist; the jars themselves come from the class path.
        Files.createDirectories(home.resolve("jars"));
        this.sparkClassPath = sparkClassPath();
        this.masterPort = freePort();
        try {
            Process master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(freePort()));
            waitForLog(master, home.resolve("master.log"), Pattern.compile("I have been elected leader"), 1);
            for (int i = 0; i < workers; i++) {
                Path work = Files.createDirectories(home.resolve("work-" + i));
                start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--port", "0", "--webui-port", String.valueOf(freePort()), "--cores", String.valueOf(cores),
                        "--memory", memory, "--work-dir", work.toString(), url());
            }
            waitForLog(master, home.resolve("master.log"), Pattern.compile("Registering worker 127\\.0\\.0\\.1"),
                    workers);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code spark://127.0.0.1:PORT}. */
    String url() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** What executors need on their class path: Spark and its dependencies only. */
    String sparkClassPath() {
        if (sparkClassPath != null) {
            return sparkClassPath;
        }
        Path project = Path.of("").toAbsolutePath().getParent();
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().startsWith(project))
                .filter(e -> !e.contains("onnxruntime") && !e.contains("picocli") && !e.contains("junit")
                        && !e.contains("opentest4j") && !e.contains("apiguardian"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The worker directories, where each executor writes its stderr. */
    List<Path> executorLogs() throws IOException {
        try (Stream<Path> walk = Files.walk(home)) {
            return walk.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("/work-"))
                    .sorted().toList();
        }
    }

    /** The Spark settings a driver needs to run on this cluster with the cluster jar. */
    Map<String, String> driverSettings(Path clusterJar) {
        return Map.of("spark.jars", clusterJar.toString(),
                "spark.executor.extraClassPath", sparkClassPath,
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.executor.memory", "768m",
                "spark.ui.enabled", "false");
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        // The Java 17 module flags this JVM was given (surefire's argLine), which Spark needs too.
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")) {
                command.add(a);
            }
        }
        command.add("-cp");
        command.add(sparkClassPath);
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_CONF_DIR");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void waitForLog(Process process, Path log, Pattern line, int count) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = line.matcher(text);
            int seen = 0;
            while (m.find()) {
                seen++;
            }
            if (seen >= count) {
                return;
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited with " + p.exitValue() + "; logs in "
                            + home);
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("no '" + line + "' x" + count + " in " + log + " within " + START_TIMEOUT
                + ": " + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Ends the workers (and executors they started), then the master; forcibly after a bounded wait. */
    @Override
    public void close() {
        List<Process> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        for (Process p : reversed) {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (ProcessHandle c : children) {
                if (c.isAlive()) {
                    c.destroyForcibly();
                }
            }
        }
        processes.clear();
    }
}
