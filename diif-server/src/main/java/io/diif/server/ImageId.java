package io.diif.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A IIIF identifier: an image's name, and optionally a virtual zoom and a resampler.
 *
 * <ul>
 *   <li>{@code NAME}: the image at its own size; sizes above it ({@code ^}) are DIIF renders;
 *   <li>{@code NAME@xZ}: a virtual image Z times the source size (Z up to --max-zoom), for viewers that
 *       only zoom as far as an image's full size: its full-resolution tiles are DIIF renders;
 *   <li>{@code NAME@xZ-bicubic}: the same with bicubic upscaling instead, for comparison.
 * </ul>
 */
record ImageId(String id, String name, double zoom, boolean bicubic) {
    private static final Pattern VIRTUAL = Pattern.compile("x(\\d{1,3}(?:\\.\\d{1,3})?)(-bicubic)?");

    /** Parses {@code id}; {@code zoom} is 0 for a plain name. Throws 404 for a form this server lacks. */
    static ImageId parse(String id, double maxZoom) throws IiifException {
        int at = id.lastIndexOf('@');
        if (at < 0) {
            return new ImageId(id, id, 0, false);
        }
        Matcher m = VIRTUAL.matcher(id.substring(at + 1));
        if (!m.matches()) {
            throw new IiifException(404, "no image " + id + " (a virtual zoom is written NAME@xZ or"
                    + " NAME@xZ-bicubic)");
        }
        double zoom = Double.parseDouble(m.group(1));
        if (zoom < 1 || zoom > maxZoom) {
            throw new IiifException(404, "no image " + id + ": its zoom must be between 1 and --max-zoom "
                    + maxZoom);
        }
        return new ImageId(id, id.substring(0, at), zoom, m.group(2) != null);
    }

    /** True for the {@code NAME@xZ} forms. */
    boolean virtual() {
        return zoom > 0;
    }

    /** This identifier's image size for a source of {@code width × height}. */
    int width(int sourceWidth) {
        return virtual() ? scaled(sourceWidth, zoom) : sourceWidth;
    }

    int height(int sourceHeight) {
        return virtual() ? scaled(sourceHeight, zoom) : sourceHeight;
    }

    static int scaled(int size, double zoom) {
        return (int) Math.min(Integer.MAX_VALUE, Math.round(size * zoom));
    }
}
