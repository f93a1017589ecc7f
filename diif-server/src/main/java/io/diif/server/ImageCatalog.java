package io.diif.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images under the served directory, by name: a file's name without its extension. Identifiers are
 * looked up in a listing of the directory, never turned into paths, so no request can name a file outside
 * it; files that are links, in subdirectories or with names outside {@link #NAME} are not served.
 */
final class ImageCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ImageCatalog.class);
    /** Names that need no escaping in a URL path segment. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif");
    /** How often a lookup of an unknown name may list the directory again (new files show up). */
    private static final long RESCAN_NANOS = 1_000_000_000L;

    private final Path dir;
    private volatile Map<String, Path> images = Map.of();
    private volatile long scannedAt;

    ImageCatalog(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory");
        }
        this.dir = dir.toRealPath();
        scan();
    }

    /** The file of image {@code name}, if the directory holds one. */
    Optional<Path> find(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Path p = images.get(name);
        if (p == null && System.nanoTime() - scannedAt > RESCAN_NANOS) {
            scan();
            p = images.get(name);
        }
        return Optional.ofNullable(p);
    }

    /** Names of all images, sorted (the directory is listed again when the last listing is a second old). */
    List<String> names() {
        if (System.nanoTime() - scannedAt > RESCAN_NANOS) {
            scan();
        }
        return List.copyOf(images.keySet());
    }

    private synchronized void scan() {
        Map<String, Path> found = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                int dot = file.lastIndexOf('.');
                if (dot <= 0 || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String name = file.substring(0, dot);
                if (!EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT))
                        || !NAME.matcher(name).matches()) {
                    continue;
                }
                Path other = found.putIfAbsent(name, f);
                if (other != null && other.getFileName().toString().compareTo(file) > 0) {
                    found.put(name, f);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot list {}: {}", dir, e.toString());
            return;
        }
        images = Map.copyOf(found);
        scannedAt = System.nanoTime();
    }
}
