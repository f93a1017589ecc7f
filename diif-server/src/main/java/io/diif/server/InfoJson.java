package io.diif.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The IIIF Image API 3.0 {@code info.json} of an identifier. */
final class InfoJson {
    static final String CONTEXT = "http://iiif.io/api/image/3/context.json";
    static final String PROFILE_URI = "http://iiif.io/api/image/3/level2.json";

    private InfoJson() {
    }

    /**
     * The limits of responses for {@code id} on a {@code sourceWidth × sourceHeight} source: a plain name
     * may be upscaled to --max-zoom, a virtual image (already zoomed) to its own size.
     */
    static ImageRequest.Limits limits(ImageId id, int sourceWidth, int sourceHeight, ServerConfig config) {
        if (id.virtual()) {
            return new ImageRequest.Limits(id.width(sourceWidth), id.height(sourceHeight), config.maxArea(), 1);
        }
        return new ImageRequest.Limits(ImageId.scaled(sourceWidth, config.maxZoom()),
                ImageId.scaled(sourceHeight, config.maxZoom()), config.maxArea(), config.maxZoom());
    }

    static String of(String base, ImageId id, int sourceWidth, int sourceHeight, ServerConfig config) {
        int width = id.width(sourceWidth);
        int height = id.height(sourceHeight);
        ImageRequest.Limits limits = limits(id, sourceWidth, sourceHeight, config);
        List<Integer> factors = new ArrayList<>();
        for (int f = 1; f <= 1 << 20; f *= 2) {
            factors.add(f);
            if ((double) Math.max(width, height) / f <= config.tileSize()) {
                break;
            }
        }
        List<String> sizes = new ArrayList<>();
        for (int f = factors.get(factors.size() - 1); f >= 1; f /= 2) {
            long w = (width + f - 1) / f;
            long h = (height + f - 1) / f;
            if (w * h <= limits.maxArea()) {
                sizes.add(String.format(Locale.ROOT, "{\"width\":%d,\"height\":%d}", w, h));
            }
        }
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\n  \"@context\": \"").append(CONTEXT).append("\",\n");
        sb.append("  \"id\": ").append(quote(base + "/" + id.id())).append(",\n");
        sb.append("  \"type\": \"ImageService3\",\n  \"protocol\": \"http://iiif.io/api/image\",\n");
        sb.append("  \"profile\": \"level2\",\n");
        sb.append(String.format(Locale.ROOT, "  \"width\": %d,\n  \"height\": %d,\n", width, height));
        sb.append(String.format(Locale.ROOT, "  \"maxWidth\": %d,\n  \"maxHeight\": %d,\n  \"maxArea\": %d,\n",
                limits.maxWidth(), limits.maxHeight(), limits.maxArea()));
        sb.append(String.format(Locale.ROOT,
                "  \"tiles\": [{\"width\": %d, \"height\": %d, \"scaleFactors\": %s}],\n", config.tileSize(),
                config.tileSize(), factors.toString().replace(" ", "")));
        sb.append("  \"sizes\": [").append(String.join(",", sizes)).append("],\n");
        sb.append("  \"extraQualities\": [\"color\", \"gray\", \"bitonal\"],\n");
        sb.append("  \"extraFormats\": [\"tif\", \"gif\"],\n");
        sb.append("  \"extraFeatures\": [\"sizeUpscaling\", \"mirroring\", \"rotationBy90s\", \"regionSquare\","
                + " \"baseUriRedirect\", \"canonicalLinkHeader\", \"cors\", \"jsonldMediaType\","
                + " \"profileLinkHeader\"]\n");
        sb.append("}\n");
        return sb.toString();
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
