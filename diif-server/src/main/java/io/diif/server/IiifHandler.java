package io.diif.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests: {@code /iiif/3/...} (IIIF Image API 3.0), {@code /} and {@code /viewer/...} (the
 * viewer page and its bundled scripts), {@code /images.json} (what the viewer lists). Syntax is checked
 * on the connection's thread; reading, rendering and encoding run on the render workers.
 */
final class IiifHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(IiifHandler.class);
    static final String PREFIX = "/iiif/3/";
    /** Absolute, for Class.getResourceAsStream: it reads this module's own resources on the module path too. */
    private static final String VIEWER = "/io/diif/server/viewer/";
    /** Viewer files: path segments that start with a letter or digit (no "..", no hidden files). */
    private static final Pattern STATIC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*");
    private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]{1,255}");
    private static final String PROFILE_LINK = "<" + InfoJson.PROFILE_URI + ">;rel=\"profile\"";

    private final ServerConfig config;
    private final RenderService renders;
    private final ImageCatalog catalog;
    private final String modelDescription;

    IiifHandler(ServerConfig config, RenderService renders, ImageCatalog catalog, String modelDescription) {
        this.config = config;
        this.renders = renders;
        this.catalog = catalog;
        this.modelDescription = modelDescription;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange x = new Exchange(request, response, callback);
        String method = request.getMethod();
        if (HttpMethod.OPTIONS.is(method)) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "*");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "86400");
            x.send(204, "text/plain", new byte[0], Map.of());
            return true;
        }
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            x.send(405, "text/plain;charset=utf-8", ("method " + method + " is not allowed\n")
                    .getBytes(StandardCharsets.UTF_8), Map.of("Allow", "GET, HEAD, OPTIONS"));
            return true;
        }
        String path = Request.getPathInContext(request);
        try {
            if (path.startsWith(PREFIX)) {
                iiif(x, path.substring(PREFIX.length()));
            } else if (path.equals("/") || path.equals("/index.html")) {
                resource(x, "index.html");
            } else if (path.startsWith("/viewer/")) {
                resource(x, path.substring("/viewer/".length()));
            } else if (path.equals("/images.json")) {
                images(x);
            } else {
                x.error(404, "no such page: " + RenderService.oneLine(path), 0);
            }
        } catch (IiifException e) {
            x.error(e.status(), e.getMessage(), 0);
        }
        return true;
    }

    private void iiif(Exchange x, String rest) throws IiifException {
        String[] parts = rest.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            // Jetty hands the path over still percent-encoded; each segment is decoded on its own.
            parts[i] = URIUtil.decodePath(parts[i]);
        }
        ImageId id = ImageId.parse(parts[0], config.maxZoom());
        if (catalog.find(id.name()).isEmpty()) {
            throw new IiifException(404, "no image " + RenderService.oneLine(parts[0]));
        }
        if (parts.length == 1) {
            // The base URI of an image redirects to its description (IIIF 3.0, section 2.1).
            x.send(303, "text/plain", new byte[0], Map.of("Location", base(x) + "/" + id.id() + "/info.json"));
        } else if (parts.length == 2 && parts[1].equals("info.json")) {
            submit(x, () -> info(x, id));
        } else if (parts.length == 5) {
            ImageRequest req = ImageRequest.parse(parts[1], parts[2], parts[3], parts[4]);
            submit(x, () -> image(x, id, req));
        } else {
            throw IiifException.badRequest("a IIIF request is {identifier}/info.json or"
                    + " {identifier}/{region}/{size}/{rotation}/{quality}.{format}");
        }
    }

    /** Work that may throw a IIIF error. */
    private interface Work {
        void run() throws Exception;
    }

    private void submit(Exchange x, Work work) {
        x.timeoutAfter(config.timeout().toMillis());
        try {
            renders.submit(() -> {
                if (x.cancelled()) {
                    // Timed out (already answered) or the client left: close the exchange without work.
                    x.error(503, "the request was cancelled before it started", 5);
                    return;
                }
                try {
                    work.run();
                } catch (IiifException e) {
                    x.error(e.status(), e.getMessage(), 0);
                } catch (DiifAdapter.RenderCancelledException e) {
                    x.error(503, "the render was cancelled (timeout or shutdown)", 5);
                } catch (OutOfMemoryError e) {
                    x.error(503, "not enough memory for this request now; try a smaller size", 10);
                } catch (Exception | LinkageError | StackOverflowError e) {
                    LOG.warn("request {} failed", x.request.getHttpURI().getPath(), e);
                    x.error(500, "internal error: " + RenderService.oneLine(e.toString()), 0);
                }
            });
        } catch (RejectedExecutionException e) {
            x.error(503, "the server is busy (all " + config.workers() + " workers and " + config.queue()
                    + " queue places taken); retry later", 2);
        }
    }

    private void info(Exchange x, ImageId id) throws IiifException {
        SourceImage s = renders.source(id.name());
        String json = InfoJson.of(base(x), id, s.width(), s.height(), config);
        String accept = x.request.getHeaders().get(HttpHeader.ACCEPT);
        String type = accept != null && accept.contains("application/ld+json")
                ? "application/ld+json;profile=\"" + InfoJson.CONTEXT + "\"" : "application/json";
        x.send(200, type, json.getBytes(StandardCharsets.UTF_8), Map.of("Link", PROFILE_LINK));
    }

    private void image(Exchange x, ImageId id, ImageRequest req) throws Exception {
        SourceImage s = renders.source(id.name());
        int width = id.width(s.width());
        int height = id.height(s.height());
        ImageRequest.Resolved r = req.resolve(width, height, InfoJson.limits(id, s.width(), s.height(), config));
        RenderPlan plan = RenderPlan.of(r, width, height, s.width(), s.height(), config.maxZoom());
        String canonical = canonical(id, req, r, width, height);
        byte[] body = renders.cachedResponse(RenderService.responseKey(s, canonical));
        if (body == null) {
            body = renders.render(s, id, req, plan, canonical, x::cancelled);
        }
        x.send(200, req.format().mediaType, body, Map.of("Link", PROFILE_LINK + ",<" + base(x) + "/" + canonical
                + ">;rel=\"canonical\"", "Cache-Control", "public, max-age=86400"));
    }

    /** The request in IIIF's canonical form, without the base: also the response cache's key. */
    static String canonical(ImageId id, ImageRequest req, ImageRequest.Resolved r, int width, int height) {
        Box b = r.region();
        String region = b.x() == 0 && b.y() == 0 && b.width() == width && b.height() == height ? "full"
                : b.x() + "," + b.y() + "," + b.width() + "," + b.height();
        String size = r.width() == b.width() && r.height() == b.height() ? "max"
                : (r.width() > b.width() || r.height() > b.height() ? "^" : "") + r.width() + "," + r.height();
        String quality = req.quality().name().toLowerCase(Locale.ROOT);
        return id.id() + "/" + region + "/" + size + "/" + (req.mirror() ? "!" : "") + req.rotation() + "/"
                + quality + "." + req.format().extension;
    }

    /** The IIIF base URI of this server as the client addressed it. */
    private String base(Exchange x) {
        String authority = x.request.getHttpURI().getAuthority();
        if (authority == null || !AUTHORITY.matcher(authority).matches()) {
            authority = config.host() + ":" + Request.getLocalPort(x.request);
        }
        return x.request.getHttpURI().getScheme() + "://" + authority + PREFIX.substring(0, PREFIX.length() - 1);
    }

    private void images(Exchange x) {
        StringBuilder sb = new StringBuilder("{\"model\": ").append(InfoJson.quote(modelDescription));
        sb.append(", \"maxZoom\": ").append(config.maxZoom());
        sb.append(", \"viewerZoom\": ").append(ServerConfig.VIEWER_ZOOM);
        sb.append(", \"images\": [");
        String sep = "";
        for (String name : catalog.names()) {
            sb.append(sep).append(InfoJson.quote(name));
            sep = ", ";
        }
        sb.append("]}\n");
        x.send(200, "application/json", sb.toString().getBytes(StandardCharsets.UTF_8),
                Map.of("Cache-Control", "no-store"));
    }

    private void resource(Exchange x, String name) throws IiifException {
        if (!STATIC.matcher(name).matches() || name.contains("..") || name.lastIndexOf('.') < 0) {
            throw new IiifException(404, "no such page: " + RenderService.oneLine(name));
        }
        try (InputStream in = IiifHandler.class.getResourceAsStream(VIEWER + name)) {
            if (in == null) {
                throw new IiifException(404, "no such page: " + name);
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            String type = switch (ext) {
                case "html" -> "text/html;charset=utf-8";
                case "js" -> "text/javascript;charset=utf-8";
                case "css" -> "text/css;charset=utf-8";
                case "png" -> "image/png";
                case "json" -> "application/json";
                default -> "text/plain;charset=utf-8";
            };
            x.send(200, type, in.readAllBytes(), Map.of("Cache-Control", "no-cache"));
        } catch (IOException e) {
            throw new IiifException(500, "cannot read " + name + ": " + e.getMessage());
        }
    }
}
