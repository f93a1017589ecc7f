package io.diif.server;

import static io.diif.server.TestServers.get;
import static io.diif.server.TestServers.image;
import static io.diif.server.TestServers.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IIIF requests and every error path against a real server on 127.0.0.1. */
class IiifHttpTest {
    @TempDir
    static Path root;
    static DiifServer server;
    static BufferedImage pattern;

    @BeforeAll
    static void start() throws IOException {
        Path dir = root.resolve("images");
        pattern = TestServers.pattern(48, 40);
        TestServers.writePng(pattern, dir.resolve("pattern.png"));
        TestServers.writePng(TestServers.pattern(200, 200), dir.resolve("big.png"));
        BufferedImage checker = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0);
            }
        }
        TestServers.writePng(checker, dir.resolve("checker.png"));
        TestServers.writePng(pattern, dir.resolve("sub/inner.png"));
        TestServers.writePng(pattern, root.resolve("secret.png"));
        Files.createSymbolicLink(dir.resolve("link.png"), root.resolve("secret.png"));
        Files.write(dir.resolve("broken.png"), "this is not a PNG file at all".getBytes());
        byte[] png = Files.readAllBytes(dir.resolve("pattern.png"));
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        server = DiifServer.start(TestServers.config(dir).maxSourcePixels(20_000).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void infoJsonDescribesTheImageAtLevel2() {
        HttpResponse<byte[]> r = get(server, "/iiif/3/pattern/info.json");
        assertEquals(200, r.statusCode());
        String json = text(r);
        for (String field : List.of("\"@context\": \"http://iiif.io/api/image/3/context.json\"",
                "\"id\": \"" + server.uri() + "iiif/3/pattern\"", "\"type\": \"ImageService3\"",
                "\"protocol\": \"http://iiif.io/api/image\"", "\"profile\": \"level2\"", "\"width\": 48",
                "\"height\": 40", "\"maxWidth\": 192", "\"maxHeight\": 160", "\"maxArea\": 1048576",
                "\"scaleFactors\": [1]", "\"sizes\": [{\"width\":48,\"height\":40}]", "\"sizeUpscaling\"")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(r.headers().firstValue("Link").orElseThrow().contains("<http://iiif.io/api/image/3/level2.json>"
                + ";rel=\"profile\""));
        HttpResponse<byte[]> ld = TestServers.send(server, HttpRequest.newBuilder(
                TestServers.uri(server, "/iiif/3/pattern/info.json")).header("Accept", "application/ld+json"));
        assertEquals("application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"",
                ld.headers().firstValue("Content-Type").orElseThrow());
        String virtual = text(get(server, "/iiif/3/pattern@x4/info.json"));
        assertTrue(virtual.contains("\"width\": 192") && virtual.contains("\"height\": 160")
                && virtual.contains("\"maxWidth\": 192"), virtual);
    }

    @Test
    void preflightAndMethods() {
        HttpResponse<byte[]> options = TestServers.send(server, HttpRequest.newBuilder(
                TestServers.uri(server, "/iiif/3/pattern/info.json")).method("OPTIONS",
                HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, options.statusCode());
        assertEquals("*", options.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(options.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("GET"));
        HttpResponse<byte[]> post = TestServers.send(server, HttpRequest.newBuilder(
                TestServers.uri(server, "/iiif/3/pattern/info.json")).POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
    }

    @Test
    void baseUriRedirectsToInfoJson() {
        HttpResponse<byte[]> r = get(server, "/iiif/3/pattern");
        assertEquals(303, r.statusCode());
        assertEquals(server.uri() + "iiif/3/pattern/info.json", r.headers().firstValue("Location").orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({"nope", "inner", "sub%2Finner", "link", "secret", "..%2Fsecret", "%2e%2e", ".hidden", "pattern@x5",
        "pattern@x2-lanczos", "pattern.png", "pattern%00"})
    void onlyNamesOfFilesInTheDirectoryAreServed(String id) {
        HttpResponse<byte[]> r = get(server, "/iiif/3/" + id + "/info.json");
        assertTrue(r.statusCode() == 404 || r.statusCode() == 400, id + " -> " + r.statusCode());
        HttpResponse<byte[]> img = get(server, "/iiif/3/" + id + "/full/max/0/default.png");
        assertTrue(img.statusCode() == 404 || img.statusCode() == 400, id + " -> " + img.statusCode());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ' ', value = {
        "pattern/fulll/max/0/default.png 400",
        "pattern/0,0,0,5/max/0/default.png 400",
        "pattern/48,0,5,5/max/0/default.png 400",
        "pattern/full/0,/0/default.png 400",
        "pattern/full/49,/0/default.png 400",
        "pattern/full/pct:101/0/default.png 400",
        "pattern/full/^1000,/0/default.png 400",
        "pattern/0,0,4,4/^64,64/0/default.png 400",
        "pattern/full/^192,161/0/default.png 400",
        "pattern/full/^193,/0/default.png 400",
        "pattern/full/max/45/default.png 501",
        "pattern/full/max/400/default.png 400",
        "pattern/full/max/0/native.png 400",
        "pattern/full/max/0/default.webp 501",
        "pattern/full/max/0/default.bmp2 400",
        "pattern/full/max/0 400",
        "pattern/full/max/0/default.png/extra 400",
        "pattern/info.jsonx 400",
        "broken/info.json 500",
        "truncated/full/max/0/default.png 500",
        "big/info.json 500",
    })
    void errorsHaveTheSpecsStatusAndAReason(String path, int status) {
        HttpResponse<byte[]> r = get(server, "/iiif/3/" + path);
        assertEquals(status, r.statusCode(), text(r));
        String reason = text(r);
        assertTrue(!reason.isBlank() && !reason.contains("Exception") && reason.lines().count() == 1, reason);
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        // A bad request or image harms nobody else.
        assertEquals(200, get(server, "/iiif/3/pattern/full/max/0/default.png").statusCode());
    }

    @Test
    void hostileImagesFailCleanly() {
        assertTrue(text(get(server, "/iiif/3/broken/info.json")).contains("broken"));
        String big = text(get(server, "/iiif/3/big/info.json"));
        assertTrue(big.contains("20000") || big.contains("limit"), big);
    }

    @ParameterizedTest(name = "{0}/{1} -> {2}x{3}")
    @CsvSource(delimiter = ' ', value = {
        "full max 48 40", "square max 40 40", "4,8,20,10 max 20 10", "pct:50,50,50,50 max 24 20",
        "full 24, 24 20", "full ,20 24 20", "full pct:50 24 20", "full 30,10 30 10", "full !30,30 30 25",
        "full ^96, 96 80", "full ^,80 96 80", "full ^pct:200 96 80", "full ^100,50 100 50", "full ^!96,96 96 80",
        "full ^max 192 160", "4,8,20,10 ^max 80 40", "40,30,100,100 max 8 10",
    })
    void everyRegionAndSizeFormHasTheRightSize(String region, String size, int w, int h) {
        HttpResponse<byte[]> r = get(server, "/iiif/3/pattern/" + region + "/" + size + "/0/default.png");
        assertEquals(200, r.statusCode(), text(r));
        BufferedImage img = image(r);
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.headers().firstValue("Link").orElseThrow().contains("rel=\"canonical\""));
    }

    @Test
    void rotationAndMirroringMoveSourcePixelsExactly() {
        int w = pattern.getWidth();
        int h = pattern.getHeight();
        BufferedImage r90 = image(get(server, "/iiif/3/pattern/full/max/90/default.png"));
        BufferedImage r180 = image(get(server, "/iiif/3/pattern/full/max/180/default.png"));
        BufferedImage r270 = image(get(server, "/iiif/3/pattern/full/max/270/default.png"));
        BufferedImage m0 = image(get(server, "/iiif/3/pattern/full/max/!0/default.png"));
        BufferedImage m90 = image(get(server, "/iiif/3/pattern/full/max/!90/default.png"));
        assertEquals(h, r90.getWidth());
        assertEquals(w, r90.getHeight());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = pattern.getRGB(x, y);
                assertEquals(p, r90.getRGB(h - 1 - y, x), "90 at " + x + "," + y);
                assertEquals(p, r180.getRGB(w - 1 - x, h - 1 - y), "180 at " + x + "," + y);
                assertEquals(p, r270.getRGB(y, w - 1 - x), "270 at " + x + "," + y);
                assertEquals(p, m0.getRGB(w - 1 - x, y), "!0 at " + x + "," + y);
                assertEquals(p, m90.getRGB(h - 1 - y, w - 1 - x), "!90 at " + x + "," + y);
            }
        }
    }

    @Test
    void grayAndBitonalQualities() {
        BufferedImage gray = image(get(server, "/iiif/3/pattern/full/max/0/gray.png"));
        BufferedImage bitonal = image(get(server, "/iiif/3/pattern/full/max/0/bitonal.png"));
        BufferedImage bitonalJpg = image(get(server, "/iiif/3/pattern/full/max/0/bitonal.jpg"));
        assertEquals(1, gray.getRaster().getNumBands());
        for (int y = 0; y < pattern.getHeight(); y++) {
            for (int x = 0; x < pattern.getWidth(); x++) {
                int p = pattern.getRGB(x, y);
                double luma = 0.299 * (p >> 16 & 255) + 0.587 * (p >> 8 & 255) + 0.114 * (p & 255);
                assertEquals(luma, gray.getRaster().getSample(x, y, 0), 1.0);
                int b = bitonal.getRGB(x, y) & 0xffffff;
                assertEquals(luma >= 127.5 ? 0xffffff : 0, b, "bitonal at " + x + "," + y);
            }
        }
        assertEquals(1, bitonalJpg.getRaster().getNumBands());
        assertEquals(200, get(server, "/iiif/3/pattern/full/max/0/color.tif").statusCode());
        assertEquals(200, get(server, "/iiif/3/pattern/full/max/0/default.gif").statusCode());
        assertEquals(200, get(server, "/iiif/3/pattern/full/max/0/default.jpg").statusCode());
    }

    @Test
    void adjacentSuperResolvedTilesEqualTheHalvesOfOneRequest() {
        BufferedImage left = image(get(server, "/iiif/3/pattern/8,4,16,16/^64,64/0/default.png"));
        BufferedImage right = image(get(server, "/iiif/3/pattern/24,4,16,16/^64,64/0/default.png"));
        BufferedImage below = image(get(server, "/iiif/3/pattern/8,20,16,16/^64,64/0/default.png"));
        BufferedImage both = image(get(server, "/iiif/3/pattern/8,4,32,32/^128,128/0/default.png"));
        assertArrayEquals(pixels(both, 0, 0, 64, 64), pixels(left, 0, 0, 64, 64));
        assertArrayEquals(pixels(both, 64, 0, 64, 64), pixels(right, 0, 0, 64, 64));
        assertArrayEquals(pixels(both, 0, 64, 64, 64), pixels(below, 0, 0, 64, 64));
    }

    @Test
    void virtualImagesAreTheSameRenderAtAnotherScaleAndBicubicDiffers() {
        HttpResponse<byte[]> virtual = get(server, "/iiif/3/pattern@x4/64,32,64,64/64,64/0/default.png");
        HttpResponse<byte[]> plain = get(server, "/iiif/3/pattern/16,8,16,16/^64,64/0/default.png");
        assertEquals(200, virtual.statusCode(), text(virtual));
        assertArrayEquals(pixels(image(plain), 0, 0, 64, 64), pixels(image(virtual), 0, 0, 64, 64));
        BufferedImage bicubic = image(get(server, "/iiif/3/pattern@x4-bicubic/64,32,64,64/64,64/0/default.png"));
        assertEquals(64, bicubic.getWidth());
        assertNotEquals(Arrays.toString(pixels(bicubic, 0, 0, 64, 64)),
                Arrays.toString(pixels(image(virtual), 0, 0, 64, 64)));
        // At or below the source size both identifiers are the same downscale.
        assertArrayEquals(pixels(image(get(server, "/iiif/3/pattern@x4/full/48,/0/default.png")), 0, 0, 48, 40),
                pixels(image(get(server, "/iiif/3/pattern@x4-bicubic/full/48,/0/default.png")), 0, 0, 48, 40));
        assertArrayEquals(pixels(pattern, 0, 0, 48, 40),
                pixels(image(get(server, "/iiif/3/pattern@x4/full/48,/0/default.png")), 0, 0, 48, 40));
    }

    @Test
    void downscalesAreAntialiased() {
        // A one-pixel checkerboard at half size is mid grey when filtered; a point sample gives black or white.
        BufferedImage half = image(get(server, "/iiif/3/checker/full/16,/0/default.png"));
        assertEquals(16, half.getWidth());
        for (int y = 2; y < 14; y++) {
            for (int x = 2; x < 14; x++) {
                assertEquals(127.5, half.getRGB(x, y) & 255, 6, "at " + x + "," + y);
            }
        }
    }

    static int[] pixels(BufferedImage image, int x, int y, int w, int h) {
        return image.getRGB(x, y, w, h, null, 0, w);
    }
}
