package io.diif.spark;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whole-file writes that readers never see half done: the bytes go to a temporary file beside the target
 * (a name of its own per attempt, so a retried or speculative task cannot collide with the first), which
 * is then moved onto the target in one step.
 */
final class AtomicFiles {
    /** Temporary files this class writes: {@code .<name>.diif-<digits>.part}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.diif-[0-9]+\\.part");

    private AtomicFiles() {
    }

    /** Writes {@code bytes} to {@code target}, creating its parent directories, replacing what was there. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, "." + target.getFileName() + ".diif-", ".part");
        try {
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Deletes temporary files under {@code dir} that writes of killed tasks left behind; returns how many.
     * Call once no task writes there any more.
     */
    static int deleteLeftovers(Path dir) throws IOException {
        int deleted = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (TEMPORARY.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
