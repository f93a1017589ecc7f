package io.diif.spark;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.broadcast.Broadcast;

/**
 * Where executors get the model from and which backend runs it: the bundled default model, a path every
 * executor can read, or bytes broadcast from the driver. Serialised into tasks; the model itself never is.
 * Two sources with the same {@link #key()} share one loaded model per executor JVM.
 */
final class ModelSource implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { DEFAULT, PATH, BYTES }

    private final Kind kind;
    private final String path;
    private final String backend;
    private final Broadcast<byte[]> bytes;
    private final String digest;

    private ModelSource(Kind kind, String path, String backend, Broadcast<byte[]> bytes, String digest) {
        this.kind = kind;
        this.path = path;
        this.backend = backend == null || backend.isBlank() ? null : backend;
        this.bytes = bytes;
        this.digest = digest;
    }

    static ModelSource defaultModel(String backend) {
        return new ModelSource(Kind.DEFAULT, "default", backend, null, null);
    }

    static ModelSource path(String path, String backend) {
        return new ModelSource(Kind.PATH, Objects.requireNonNull(path, "path"), backend, null, null);
    }

    /** Broadcast bytes; {@code digest} (of the bytes) is the cache key, {@code name} names them in errors. */
    static ModelSource bytes(Broadcast<byte[]> bytes, String digest, String name, String backend) {
        return new ModelSource(Kind.BYTES, name, backend, Objects.requireNonNull(bytes, "bytes"),
                Objects.requireNonNull(digest, "digest"));
    }

    Kind kind() {
        return kind;
    }

    /** The file path, "default", or the broadcast model's name. */
    String path() {
        return path;
    }

    /** The backend name; null: the API's choice (property, environment, best available). */
    String backend() {
        return backend;
    }

    /** The model bytes on an executor (fetched from the broadcast once); null unless {@link Kind#BYTES}. */
    byte[] bytes() {
        return bytes == null ? null : bytes.value();
    }

    /** Identifies the loaded model in an executor's cache: same key, same weights on the same backend. */
    String key() {
        String what = switch (kind) {
            case DEFAULT -> "default";
            case PATH -> "path:" + path;
            case BYTES -> "sha256:" + digest;
        };
        return what + "@" + (backend == null ? "auto" : backend);
    }

    @Override
    public String toString() {
        return key();
    }
}
