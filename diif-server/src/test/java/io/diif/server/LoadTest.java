package io.diif.server;

import static io.diif.server.TestServers.get;
import static io.diif.server.TestServers.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server under load: parallel tiles, a full queue, timeouts, clients that go away. */
class LoadTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void images() {
        TestServers.writePng(TestServers.pattern(64, 48), dir.resolve("pattern.png"));
        TestServers.writePng(TestServers.pattern(40, 40), dir.resolve("square.png"));
    }

    /** Tiles of every kind: super-resolved, virtual, bicubic, downscaled, rotated, another image. */
    private static List<String> tiles() {
        List<String> tiles = new ArrayList<>();
        for (int ty = 0; ty < 3; ty++) {
            for (int tx = 0; tx < 4; tx++) {
                tiles.add("pattern/" + tx * 16 + "," + ty * 16 + ",16,16/^64,64/0/default.png");
            }
        }
        for (int t = 0; t < 4; t++) {
            tiles.add("pattern@x4/" + t * 64 + ",64,64,64/64,64/0/default.png");
            tiles.add("pattern@x4-bicubic/" + t * 64 + ",64,64,64/64,64/0/default.png");
        }
        tiles.add("pattern/full/32,/0/default.png");
        tiles.add("pattern/full/^128,/90/gray.jpg");
        tiles.add("square/full/^120,/!180/default.png");
        tiles.add("square@x2/full/40,/0/default.png");
        return tiles;
    }

    @Test
    void parallelTilesEqualSequentialOnesAndCachesStayWithinBudget() throws Exception {
        List<String> tiles = tiles();
        List<byte[]> sequential = new ArrayList<>();
        try (DiifServer server = DiifServer.start(TestServers.config(dir).build())) {
            for (String t : tiles) {
                HttpResponse<byte[]> r = get(server, "/iiif/3/" + t);
                assertEquals(200, r.statusCode(), t + ": " + text(r));
                sequential.add(r.body());
            }
        }
        // A cold server with a cache far smaller than the tiles need: encodings are evicted, renders race.
        long budget = 256 << 10;
        try (DiifServer server = DiifServer.start(TestServers.config(dir).cacheBytes(budget).queue(1000).build())) {
            List<Integer> order = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < tiles.size(); i++) {
                    order.add(i);
                }
            }
            Collections.shuffle(order, new Random(19));
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<byte[]>> answers = new ArrayList<>();
                for (int i : order) {
                    answers.add(clients.submit(() -> {
                        HttpResponse<byte[]> r = get(server, "/iiif/3/" + tiles.get(i));
                        assertEquals(200, r.statusCode(), tiles.get(i) + ": " + text(r));
                        assertTrue(server.renders().cachedBytes() <= server.renders().cacheBudget());
                        return r.body();
                    }));
                }
                for (int k = 0; k < order.size(); k++) {
                    assertArrayEquals(sequential.get(order.get(k)), answers.get(k).get(120, TimeUnit.SECONDS),
                            tiles.get(order.get(k)));
                }
            } finally {
                clients.shutdownNow();
            }
            assertTrue(server.renders().cachedBytes() <= server.renders().cacheBudget(),
                    server.renders().cachedBytes() + " > " + server.renders().cacheBudget());
            assertEquals(budget + 2 * (budget / 4) + budget / 8, server.renders().cacheBudget());
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        try (DiifServer server = DiifServer.start(TestServers.config(dir).workers(1).queue(1).build())) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            server.renders().submit(() -> {
                started.countDown();
                await(release);
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            server.renders().submit(() -> await(release));
            HttpResponse<byte[]> busy = get(server, "/iiif/3/pattern/full/max/0/default.png");
            assertEquals(503, busy.statusCode());
            assertEquals("2", busy.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(text(busy).contains("busy"), text(busy));
            release.countDown();
            assertEquals(200, waitFor200(server, "/iiif/3/pattern/full/max/0/default.png"));
        }
    }

    @Test
    void aRequestWaitingPastItsTimeoutIsAnswered503AndNotRendered() throws Exception {
        try (DiifServer server = DiifServer.start(TestServers.config(dir).workers(1).queue(4)
                .timeout(Duration.ofSeconds(1)).build())) {
            CountDownLatch release = new CountDownLatch(1);
            server.renders().submit(() -> await(release));
            long started = System.nanoTime();
            HttpResponse<byte[]> late = get(server, "/iiif/3/pattern/0,0,16,16/^64,64/0/default.png");
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(503, late.statusCode());
            assertTrue(text(late).contains("timeout"), text(late));
            assertTrue(late.headers().firstValue("Retry-After").isPresent());
            assertTrue(seconds >= 0.9, "answered after " + seconds + " s");
            long rendersBefore = server.renders().regionRenders() + server.renders().encodedRenders();
            release.countDown();
            // The queued job finds its request answered and does not render.
            assertEquals(200, waitFor200(server, "/iiif/3/pattern/full/max/0/default.png"));
            assertEquals(rendersBefore, server.renders().regionRenders() + server.renders().encodedRenders());
        }
    }

    @Test
    void aRenderPastItsTimeoutIsCancelled() throws Exception {
        // A 64x48 image at x64 (12.6 Mpixels) takes seconds; the request may take half of one.
        try (DiifServer server = DiifServer.start(TestServers.config(dir).maxZoom(64).maxArea(1L << 24)
                .timeout(Duration.ofMillis(500)).build())) {
            HttpResponse<byte[]> r = get(server, "/iiif/3/pattern/full/^4096,/0/default.png");
            assertEquals(503, r.statusCode(), text(r));
            assertEventually(() -> server.renders().cancelledRenders() >= 1, "the render was not cancelled");
            assertEquals(200, get(server, "/iiif/3/pattern/full/max/0/default.png").statusCode());
        }
    }

    @Test
    void aClientThatDisconnectsCancelsItsRender() throws Exception {
        try (DiifServer server = DiifServer.start(TestServers.config(dir).maxZoom(64).maxArea(1L << 24).build())) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                // A bare '^', as IIIF clients send it.
                out.write(("GET /iiif/3/pattern/full/^4096,/0/default.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(500);
            }
            assertEventually(() -> server.renders().cancelledRenders() >= 1,
                    "the render went on after its client disconnected");
            assertEquals(200, get(server, "/iiif/3/pattern/full/max/0/default.png").statusCode());
        }
    }

    private static void assertEventually(java.util.function.BooleanSupplier condition, String message)
            throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertTrue(condition.getAsBoolean(), message);
    }

    private static int waitFor200(DiifServer server, String path) throws InterruptedException {
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            status = get(server, path).statusCode();
            if (status != 200) {
                Thread.sleep(100);
            }
        }
        return status;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
