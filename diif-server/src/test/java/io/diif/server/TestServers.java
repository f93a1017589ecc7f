package io.diif.server;

import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;

/** Servers on 127.0.0.1 at an ephemeral port with the kit's small golden model, and an HTTP client. */
final class TestServers {
    static final String MODEL = Golden.resource("model-diif-row.safetensors");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private TestServers() {
    }

    /** A configuration for {@code dir}: port 0, the golden model, 2 workers, small limits. */
    static ServerConfig.Builder config(Path dir) {
        return ServerConfig.builder(dir).port(0).modelResource(MODEL).backend("onnx").workers(2).queue(16)
                .cacheBytes(64L << 20).maxArea(1L << 20).timeout(Duration.ofSeconds(60));
    }

    /** A smooth colour pattern with some detail, {@code width × height}. */
    static BufferedImage pattern(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = 128 + (int) (100 * Math.sin(x * 0.31) * Math.cos(y * 0.17));
                int g = (x * 255) / Math.max(1, width - 1);
                int b = ((x / 6 + y / 6) % 2) * 200 + 20;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    static void writePng(BufferedImage image, Path file) {
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GETs {@code path}; java.net.URI refuses a bare '^' (IIIF's upscaling), so it is sent as %5E. */
    static HttpResponse<byte[]> get(DiifServer server, String path) {
        return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
    }

    static HttpResponse<byte[]> send(DiifServer server, HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static BufferedImage image(HttpResponse<byte[]> r) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
            if (image == null) {
                throw new IllegalStateException("not an image: " + r.uri() + " " + r.statusCode());
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static URI uri(DiifServer server, String path) {
        return server.uri().resolve(path.replace("^", "%5E"));
    }
}
