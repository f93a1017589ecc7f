package io.diif.server;

/**
 * Where a request's pixels come from: the window {@code window} of the whole image resampled to a
 * {@code gridWidth × gridHeight} grid. A region at a size above its pixels is a window of the whole
 * image's render at that scale, so adjacent tiles line up pixel for pixel with one larger request.
 *
 * @param upscale true when the grid is larger than the source along an axis (a DIIF or bicubic render),
 *     false for a downscale (or the source itself)
 */
record RenderPlan(int gridWidth, int gridHeight, Box window, boolean upscale) {

    /**
     * The plan of {@code resolved} on an identifier's {@code imageWidth × imageHeight} image, whose source
     * is {@code sourceWidth × sourceHeight}; refuses grids beyond {@code maxZoom} times the source.
     */
    static RenderPlan of(ImageRequest.Resolved resolved, int imageWidth, int imageHeight, int sourceWidth,
            int sourceHeight, double maxZoom) throws IiifException {
        Box region = resolved.region();
        double sx = (double) resolved.width() / region.width();
        double sy = (double) resolved.height() / region.height();
        long gw = Math.round(imageWidth * sx);
        long gh = Math.round(imageHeight * sy);
        if (gw > Math.round(sourceWidth * maxZoom) || gh > Math.round(sourceHeight * maxZoom)) {
            throw IiifException.badRequest(String.format(java.util.Locale.ROOT,
                    "size %dx%d of a %dx%d region zooms the %dx%d source to %dx%d, over --max-zoom %s",
                    resolved.width(), resolved.height(), region.width(), region.height(), sourceWidth,
                    sourceHeight, gw, gh, maxZoom));
        }
        // round(size · s) >= round(region · s) = output, since the region lies inside the image.
        int x = (int) Math.min(Math.round(region.x() * sx), gw - resolved.width());
        int y = (int) Math.min(Math.round(region.y() * sy), gh - resolved.height());
        return new RenderPlan((int) gw, (int) gh, new Box(x, y, resolved.width(), resolved.height()),
                gw > sourceWidth || gh > sourceHeight);
    }
}
