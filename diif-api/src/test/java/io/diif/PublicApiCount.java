package io.diif;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Counts the public types and public methods of compiled classes, to size an API before and after a change,
 * and lists their int-size/double-scale overload pairs ({@link SizeScaleOverloadsTest}):
 *
 * <pre>{@code
 * java -cp diif-api/target/test-classes:diif-api/target/classes io.diif.PublicApiCount \
 *     CLASSES_DIR [DEPENDENCY_JAR:...] [io.diif,io.diif.spi,... | all]
 * }</pre>
 *
 * Types are public top-level types and public types nested in them; methods are the public methods those types
 * declare (not inherited, not synthetic or bridge); constructors are counted apart. The classes are loaded
 * apart from this tool's own, so an older build of the same packages can be counted.
 */
public final class PublicApiCount {
    private PublicApiCount() {
    }

    /**
     * Prints one line per package and a total.
     *
     * @param args the classes directory, an optional class path of its dependencies, and the packages
     *     (comma-separated; {@code all} or nothing for every package)
     * @throws Exception if the classes cannot be read or loaded
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        List<URL> path = new ArrayList<>(List.of(root.toUri().toURL()));
        if (args.length > 1 && !args[1].isEmpty()) {
            for (String jar : args[1].split(":")) {
                path.add(Path.of(jar).toUri().toURL());
            }
        }
        List<String> packages = args.length > 2 && !args[2].equals("all") ? Arrays.asList(args[2].split(","))
                : allPackages(root);
        int types = 0;
        int methods = 0;
        int constructors = 0;
        List<String> pairs = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(path.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            for (String pkg : packages) {
                int t = 0;
                int m = 0;
                int c = 0;
                for (Class<?> type : SizeScaleOverloadsTest.publicTypes(root, List.of(pkg), loader)) {
                    pairs.addAll(SizeScaleOverloadsTest.sizeScalePairs(type));
                    if (!Modifier.isPublic(type.getModifiers())) {
                        continue;
                    }
                    t++;
                    for (Method method : type.getDeclaredMethods()) {
                        if (Modifier.isPublic(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()) {
                            m++;
                        }
                    }
                    c += (int) Arrays.stream(type.getDeclaredConstructors())
                            .filter(k -> Modifier.isPublic(k.getModifiers())).count();
                }
                System.out.printf(Locale.ROOT, "%-40s %4d types %5d methods %4d constructors%n", pkg, t, m, c);
                types += t;
                methods += m;
                constructors += c;
            }
        }
        System.out.printf(Locale.ROOT, "%-40s %4d types %5d methods %4d constructors%n", "total", types, methods,
                constructors);
        System.out.println(pairs.size() + " int-size/double-scale overload pairs" + (pairs.isEmpty() ? "" : ":"));
        pairs.forEach(p -> System.out.println("  " + p));
    }

    /** Every package under {@code root} that holds a class file. */
    private static List<String> allPackages(Path root) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString()
                    .equals("module-info.class")).map(p -> root.relativize(p.getParent()).toString()
                    .replace(root.getFileSystem().getSeparator(), ".")).distinct().sorted().toList();
        }
    }
}
