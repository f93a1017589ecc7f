package io.diif.robustness;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the committed seed corpus of the fuzz targets (small valid files of each kind, so the fuzzer
 * starts deep inside the parsers). Run from diif-api after test-compile:
 * {@code java -cp target/test-classes:target/classes io.diif.robustness.FuzzSeeds src/test/resources}.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources").resolve("io/diif/robustness");
        Path models = root.resolve("ModelReaderFuzzTestInputs/safetensors");
        write(models, "tiny-diif.safetensors", TinyModel.valid().build());
        write(models, "tiny-diif-group.safetensors", TinyModel.valid().configReplace("\"row\"", "\"group\"").build());
        TinyModel liif = TinyModel.valid().config("{\"format\":1,\"encoder\":{\"type\":\"edsr-baseline\","
                + "\"n_resblocks\":0,\"n_feats\":2},\"decoder\":{\"type\":\"liif\",\"hidden\":[4]}}");
        liif.shapes.clear();
        liif.values.clear();
        liif.tensor("encoder.head.0.weight", 2, 3, 3, 3).tensor("encoder.head.0.bias", 2)
                .tensor("encoder.body.0.weight", 2, 2, 3, 3).tensor("encoder.body.0.bias", 2)
                .tensor("imnet.layers.0.weight", 4, 22).tensor("imnet.layers.0.bias", 4)
                .tensor("imnet.layers.2.weight", 3, 4).tensor("imnet.layers.2.bias", 3);
        write(models, "tiny-liif.safetensors", liif.build());
        write(models, "two-tensors.safetensors", HostileModelFilesTest.twoTensors("{\"__metadata__\":{\"k\":\"v\"},"
                + HostileModelFilesTest.entry("a", "F16", "[2,2]", 0, 8) + ","
                + HostileModelFilesTest.entry("b", "BF16", "[4]", 8, 16) + "}"));
        write(models, "bad-offsets.safetensors", HostileModelFilesTest.twoTensors("{"
                + HostileModelFilesTest.entry("a", "F32", "[3]", 0, 12) + ","
                + HostileModelFilesTest.entry("b", "F32", "[2]", 8, 16) + "}"));

        Path configs = root.resolve("ModelReaderFuzzTestInputs/config");
        write(configs, "diif-row.json", TinyModel.CONFIG.getBytes(StandardCharsets.UTF_8));
        write(configs, "liif.json", ("{\"format\": 1, \"name\": \"liif\", \"encoder\": {\"type\": \"edsr-baseline\","
                + " \"n_resblocks\": 16, \"n_feats\": 64}, \"decoder\": {\"type\": \"liif\", \"hidden\": [256, 256, 256,"
                + " 256], \"local_ensemble\": true, \"feat_unfold\": true, \"cell_decode\": true}}")
                .getBytes(StandardCharsets.UTF_8));
        write(configs, "diif-b4-no-clamp.json", TinyModel.CONFIG.replace("\"ensemble_block\":2", "\"ensemble_block\":4")
                .replace("\"max_scale\":4.0", "\"max_scale\":null").replace("\"row\"", "\"group\"")
                .getBytes(StandardCharsets.UTF_8));

        Path images = root.resolve("ImageReaderFuzzTestInputs/image");
        BufferedImage rgb = Images.pattern(5, 4, BufferedImage.TYPE_INT_RGB);
        write(images, "rgb.png", Images.encode(rgb, "png"));
        write(images, "rgb.jpg", Images.encode(rgb, "jpg"));
        write(images, "rgb.bmp", Images.encode(rgb, "bmp"));
        write(images, "rgb.tif", Images.encode(rgb, "tiff"));
        write(images, "indexed.gif", Images.encode(Images.pattern(5, 4, BufferedImage.TYPE_BYTE_INDEXED), "gif"));
        write(images, "indexed.bmp", Images.encode(Images.pattern(5, 4, BufferedImage.TYPE_BYTE_INDEXED), "bmp"));
        write(images, "binary.wbmp", Images.encode(Images.pattern(5, 4, BufferedImage.TYPE_BYTE_BINARY), "wbmp"));
        write(images, "grey16.png", Images.encode(Images.pattern(5, 4, BufferedImage.TYPE_USHORT_GRAY), "png"));
        write(images, "argb.png", Images.encode(Images.pattern(5, 4, BufferedImage.TYPE_INT_ARGB), "png"));
        IndexColorModel two = new IndexColorModel(2, 4, new byte[] {0, 85, (byte) 170, (byte) 255},
                new byte[] {0, 0, 0, 0}, new byte[] {(byte) 255, 0, 0, 0});
        BufferedImage palette = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_BINARY, two);
        palette.getRaster().setSample(1, 1, 0, 3);
        write(images, "palette2.png", Images.encode(palette, "png"));
        ComponentColorModel ga = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = ga.createCompatibleWritableRaster(5, 4);
        r.setPixel(2, 2, new int[] {100, 200});
        write(images, "grey-alpha.png", Images.encode(new BufferedImage(ga, r, false, null), "png"));
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 5, 4, 4, null);
        cmyk.setPixel(1, 1, new int[] {10, 200, 30, 250});
        write(images, "cmyk.jpg", HostileImagesTest.withAdobeMarker(HostileImagesTest.writeRaster(cmyk), 0));
        write(images, "declares-100000x100000.png", Images.png(100000, 100000));
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
        System.out.println(dir.resolve(name) + " " + bytes.length + " bytes");
    }
}
