package io.diif.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.server.ImageRequest.Limits;
import io.diif.server.ImageRequest.Resolved;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRequestTest {
    private static final Limits LIMITS = new Limits(4000, 3000, 4_000_000, 1000);

    private static Resolved resolve(String region, String size) throws IiifException {
        return ImageRequest.parse(region, size, "0", "default.jpg").resolve(1000, 750, LIMITS);
    }

    private static void assertResolves(String region, String size, Box box, int w, int h) throws IiifException {
        Resolved r = resolve(region, size);
        assertEquals(box, r.region(), region + "/" + size);
        assertEquals(w, r.width(), region + "/" + size + " width");
        assertEquals(h, r.height(), region + "/" + size + " height");
    }

    @Test
    void regions() throws IiifException {
        assertResolves("full", "max", new Box(0, 0, 1000, 750), 1000, 750);
        assertResolves("square", "max", new Box(125, 0, 750, 750), 750, 750);
        assertResolves("10,20,30,40", "max", new Box(10, 20, 30, 40), 30, 40);
        // Clipped at the image's edge.
        assertResolves("900,700,500,500", "max", new Box(900, 700, 100, 50), 100, 50);
        assertResolves("pct:10,20,50,40", "max", new Box(100, 150, 500, 300), 500, 300);
        assertResolves("pct:50,50,100,100", "max", new Box(500, 375, 500, 375), 500, 375);
    }

    @Test
    void sizes() throws IiifException {
        Box full = new Box(0, 0, 1000, 750);
        assertResolves("full", "500,", full, 500, 375);
        assertResolves("full", ",300", full, 400, 300);
        assertResolves("full", "pct:50", full, 500, 375);
        assertResolves("full", "200,100", full, 200, 100);
        assertResolves("full", "!200,200", full, 200, 150);
        assertResolves("full", "!1000,2000", full, 1000, 750);
        assertResolves("full", "^!2000,2000", full, 2000, 1500);
        assertResolves("full", "^2000,", full, 2000, 1500);
        assertResolves("full", "^,1500", full, 2000, 1500);
        assertResolves("full", "^pct:150", full, 1500, 1125);
        assertResolves("full", "^3000,100", full, 3000, 100);
        assertResolves("full", "^500,", full, 500, 375);
        // ^max: as large as maxWidth, maxHeight and maxArea allow (area: sqrt(4e6 / 750000) = 2.309).
        assertResolves("full", "^max", full, 2309, 1732);
        assertResolves("0,0,10,10", "^max", new Box(0, 0, 10, 10), 2000, 2000);
        // ...and no further than the zoom limit.
        Resolved capped = ImageRequest.parse("0,0,10,10", "^max", "0", "default.jpg").resolve(1000, 750,
                new Limits(4000, 3000, 4_000_000, 4));
        assertEquals(40, capped.width());
        assertEquals(40, capped.height());
    }

    @Test
    void maxStaysWithinTheArea() throws IiifException {
        Resolved r = ImageRequest.parse("full", "max", "0", "default.png").resolve(4000, 3000,
                new Limits(8000, 6000, 1_000_000, 2));
        assertTrue((long) r.width() * r.height() <= 1_000_000, r.toString());
        assertEquals(1154, r.width());
        assertEquals(866, r.height());
    }

    @Test
    void rotationsMirroringQualitiesFormats() throws IiifException {
        ImageRequest r = ImageRequest.parse("full", "max", "!270", "gray.png");
        assertTrue(r.mirror());
        assertEquals(270, r.rotation());
        assertEquals(ImageRequest.Quality.GRAY, r.quality());
        assertEquals(ImageRequest.Format.PNG, r.format());
        assertEquals(0, ImageRequest.parse("full", "max", "360", "default.jpg").rotation());
        assertEquals(90, ImageRequest.parse("full", "max", "90.0", "color.jpg").rotation());
        assertFalse(ImageRequest.parse("full", "max", "180", "bitonal.tif").mirror());
        assertEquals(ImageRequest.Format.GIF, ImageRequest.parse("full", "max", "0", "default.gif").format());
    }

    @ParameterizedTest(name = "{0}/{1}/{2}/{3} -> {4}")
    @CsvSource(delimiter = ' ', value = {
        "fulll max 0 default.jpg 400",
        "1,2,3 max 0 default.jpg 400",
        "-1,0,10,10 max 0 default.jpg 400",
        "0,0,0,10 max 0 default.jpg 400",
        "0,0,10,0 max 0 default.jpg 400",
        "1000,0,10,10 max 0 default.jpg 400",
        "0,750,10,10 max 0 default.jpg 400",
        "pct:0,0,0,10 max 0 default.jpg 400",
        "pct:101,0,10,10 max 0 default.jpg 400",
        "pct:a,0,10,10 max 0 default.jpg 400",
        "99999999999,0,10,10 max 0 default.jpg 400",
        "full 0, 0 default.jpg 400",
        "full ,0 0 default.jpg 400",
        "full 0,0 0 default.jpg 400",
        "full , 0 default.jpg 400",
        "full !100, 0 default.jpg 400",
        "full pct:0 0 default.jpg 400",
        "full pct:101 0 default.jpg 400",
        "full 2000, 0 default.jpg 400",
        "full ,1000 0 default.jpg 400",
        "full 1001,10 0 default.jpg 400",
        "full !2000,3000 0 default.jpg 400",
        "full ^5000, 0 default.jpg 400",
        "full ^4000,3001 0 default.jpg 400",
        "full ^3000,3000 0 default.jpg 400",
        "full ^pct:0.01 0 default.jpg 400",
        "full maxx 0 default.jpg 400",
        "full ^^max 0 default.jpg 400",
        "full max -90 default.jpg 400",
        "full max 361 default.jpg 400",
        "full max 90x default.jpg 400",
        "full max !!90 default.jpg 400",
        "full max 45 default.jpg 501",
        "full max 22.5 default.jpg 501",
        "full max 0 native.jpg 400",
        "full max 0 default.xyz 400",
        "full max 0 default 400",
        "full max 0 default. 400",
        "full max 0 .jpg 400",
        "full max 0 default.webp 501",
        "full max 0 default.jp2 501",
        "full max 0 default.pdf 501",
    })
    void errors(String region, String size, String rotation, String qualityFormat, int status) {
        IiifException e = assertThrows(IiifException.class, () -> ImageRequest.parse(region, size, rotation,
                qualityFormat).resolve(1000, 750, LIMITS));
        assertEquals(status, e.status(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void identifiers() throws IiifException {
        ImageId plain = ImageId.parse("face", 4);
        assertFalse(plain.virtual());
        assertEquals(1024, plain.width(1024));
        ImageId virtual = ImageId.parse("face@x4", 4);
        assertEquals("face", virtual.name());
        assertEquals(4096, virtual.width(1024));
        assertFalse(virtual.bicubic());
        ImageId bicubic = ImageId.parse("my.photo_1@x2.5-bicubic", 4);
        assertEquals("my.photo_1", bicubic.name());
        assertEquals(2560, bicubic.width(1024));
        assertTrue(bicubic.bicubic());
        for (String bad : new String[] {"face@x5", "face@x0.5", "face@4", "face@x4-lanczos", "face@", "face@x"}) {
            assertEquals(404, assertThrows(IiifException.class, () -> ImageId.parse(bad, 4)).status(), bad);
        }
    }

    @Test
    void planLinesAdjacentTilesUpWithOneLargerRequest() throws IiifException {
        RenderPlan left = RenderPlan.of(new Resolved(new Box(0, 0, 32, 32), 128, 128), 100, 70, 100, 70, 4);
        RenderPlan right = RenderPlan.of(new Resolved(new Box(32, 0, 32, 32), 128, 128), 100, 70, 100, 70, 4);
        RenderPlan both = RenderPlan.of(new Resolved(new Box(0, 0, 64, 32), 256, 128), 100, 70, 100, 70, 4);
        assertEquals(400, left.gridWidth());
        assertEquals(280, left.gridHeight());
        assertEquals(new Box(0, 0, 128, 128), left.window());
        assertEquals(new Box(128, 0, 128, 128), right.window());
        assertEquals(new Box(0, 0, 256, 128), both.window());
        assertTrue(both.upscale());
        RenderPlan down = RenderPlan.of(new Resolved(new Box(50, 0, 50, 70), 25, 35), 100, 70, 100, 70, 4);
        assertFalse(down.upscale());
        assertEquals(new Box(25, 0, 25, 35), down.window());
        // The last tile of an edge keeps its size inside the grid.
        RenderPlan edge = RenderPlan.of(new Resolved(new Box(99, 69, 1, 1), 3, 3), 100, 70, 100, 70, 4);
        assertEquals(300, edge.gridWidth());
        assertEquals(new Box(297, 207, 3, 3), edge.window());
        IiifException over = assertThrows(IiifException.class,
                () -> RenderPlan.of(new Resolved(new Box(0, 0, 10, 10), 50, 50), 100, 70, 100, 70, 4));
        assertEquals(400, over.status());
    }
}
