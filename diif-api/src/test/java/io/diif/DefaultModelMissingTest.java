package io.diif;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** diif-api's own tests run without diif-model-default, as a user who forgot it does. */
class DefaultModelMissingTest {
    @Test
    void namesTheArtifactAndTheWayOut() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Diif.upscale(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), 2));
        assertTrue(e.getMessage().contains(Diif.DEFAULT_MODEL_RESOURCE), e.getMessage());
        assertTrue(e.getMessage().contains("diif-model-default"), e.getMessage());
        assertTrue(e.getMessage().contains("Diif.load(path)"), e.getMessage());
    }
}
