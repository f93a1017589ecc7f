package io.diif.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.internal.backends.Backends;
import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import org.junit.jupiter.api.Test;

class OnnxBackendProviderTest {

    @Test
    void isFoundByTheServiceLoaderAndSelectedByName() {
        Backends.Discovery discovery = Backends.discover();
        assertTrue(discovery.availableNames().contains("onnx"), discovery.toString());
        BackendProvider p = discovery.available().stream().filter(x -> x.name().equals("onnx")).findFirst().orElseThrow();
        assertInstanceOf(OnnxBackendProvider.class, p);
        assertEquals(100, p.priority());
        Backend b = Backends.select("onnx");
        assertInstanceOf(OnnxBackend.class, b);
        assertSame(b, Backends.select("ONNX"), "created once per process");
    }

    @Test
    void outranksThePureJavaBackend() {
        assertEquals("onnx", Backends.discover().availableNames().get(0));
    }

    @Test
    void isAvailableHere() {
        assertEquals(java.util.Optional.empty(), new OnnxBackendProvider().unavailableReason());
    }
}
