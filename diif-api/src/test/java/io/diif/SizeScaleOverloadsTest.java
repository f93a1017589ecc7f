package io.diif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.overloadfixture.SizeOrScale;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No public method or constructor name takes an integral number in one overload and a floating one at the same
 * position in another: {@code render(2, 2)} against {@code render(2.0, 2.0)} read alike and meant a 2×2 image
 * against a doubled one. Checked on the compiled classes of the exported packages, so nothing the compiler adds
 * or a refactoring moves escapes it.
 */
@DisplayName("public API: no int-size / double-scale overloads")
class SizeScaleOverloadsTest {
    /** The packages diif-api exports to users and backend authors. */
    static final List<String> EXPORTED = List.of("io.diif", "io.diif.spi", "io.diif.spi.support", "io.diif.graph",
            "io.diif.model");
    private static final Set<Class<?>> INTEGRAL = Set.of(int.class, long.class, short.class, Integer.class,
            Long.class, Short.class);
    private static final Set<Class<?>> FLOATING = Set.of(double.class, float.class, Double.class, Float.class);

    @Test
    @DisplayName("the exported packages of the compiled diif-api have no such pair")
    void publicApiHasNone() throws Exception {
        List<Class<?>> types = publicTypes(classesRoot(Render.class), EXPORTED, getClass().getClassLoader());
        for (Class<?> expected : List.of(Render.class, DiifModel.class, DiifModel.Builder.class, Window.class,
                io.diif.spi.Backend.class, io.diif.model.ModelConfig.class)) {
            assertTrue(types.contains(expected), "the scan finds " + expected.getName() + " among " + types);
        }
        List<String> pairs = types.stream().flatMap(t -> sizeScalePairs(t).stream()).toList();
        assertEquals(List.of(), pairs, "overloads where one name takes a size and a scale");
    }

    @Test
    @DisplayName("the check flags exactly the size/scale pairs of a fixture: methods, constructors, protected,"
            + " boxed and nested")
    void fixtureIsFlagged() throws Exception {
        List<Class<?>> types = publicTypes(classesRoot(SizeOrScale.class), List.of("io.diif.overloadfixture"),
                getClass().getClassLoader());
        assertEquals(List.of(SizeOrScale.class, SizeOrScale.Nested.class), types, "public types, nested included");
        Set<String> pairs = types.stream().flatMap(t -> sizeScalePairs(t).stream())
                .collect(Collectors.toCollection(TreeSet::new));
        String fixture = SizeOrScale.class.getName();
        assertEquals(new TreeSet<>(List.of(
                fixture + ": <init>(float) / <init>(long), parameter 1",
                fixture + ": grow(java.lang.Float) / grow(short), parameter 1",
                fixture + ": resize(double, double) / resize(int, int), parameter 1",
                SizeOrScale.Nested.class.getName() + ": crop(double, double) / crop(long, double), parameter 1")),
                pairs);
    }

    /** The directory (or jar) the class was compiled into. */
    static Path classesRoot(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * Public types, top-level and nested in API types, of these packages (not their subpackages) under a classes
     * directory or jar, loaded (not initialised) by {@code loader}.
     */
    static List<Class<?>> publicTypes(Path root, List<String> packages, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        if (Files.isDirectory(root)) {
            return publicTypesUnder(root, packages, loader);
        }
        try (FileSystem jar = FileSystems.newFileSystem(root)) {
            return publicTypesUnder(jar.getPath("/"), packages, loader);
        }
    }

    private static List<Class<?>> publicTypesUnder(Path root, List<String> packages, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : packages) {
            Path dir = root.resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class")
                                && !n.equals("module-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length())).sorted().toList();
            }
            for (String name : names) {
                Class<?> type = Class.forName(name, false, loader);
                if (isApi(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    /** Public, and if nested, nested in API types only (anonymous and local classes never are). */
    private static boolean isApi(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            int mods = t.getModifiers();
            boolean nested = t.getDeclaringClass() != null;
            if (!(Modifier.isPublic(mods) || nested && Modifier.isProtected(mods))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pairs of public or protected members of {@code type} (declared or inherited from outside the JDK) with
     * one name and arity that differ at some parameter by an integral type in one and a floating one in the other.
     */
    static List<String> sizeScalePairs(Class<?> type) {
        Map<String, Executable> members = new LinkedHashMap<>();
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c)) {
                members.put(signature(c), c);
            }
        }
        Deque<Class<?>> hierarchy = new ArrayDeque<>(List.of(type));
        while (!hierarchy.isEmpty()) {
            Class<?> t = hierarchy.pop();
            if (t.getName().startsWith("java.")) {
                continue;
            }
            for (Method m : t.getDeclaredMethods()) {
                if (visible(m) && !m.isBridge()) {
                    members.putIfAbsent(signature(m), m);
                }
            }
            if (t.getSuperclass() != null) {
                hierarchy.push(t.getSuperclass());
            }
            hierarchy.addAll(Arrays.asList(t.getInterfaces()));
        }
        List<Executable> all = new ArrayList<>(members.values());
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Executable a = all.get(i);
                Executable b = all.get(j);
                if (!name(a).equals(name(b)) || a.getParameterCount() != b.getParameterCount()) {
                    continue;
                }
                Class<?>[] pa = a.getParameterTypes();
                Class<?>[] pb = b.getParameterTypes();
                for (int p = 0; p < pa.length; p++) {
                    if (INTEGRAL.contains(pa[p]) && FLOATING.contains(pb[p])
                            || FLOATING.contains(pa[p]) && INTEGRAL.contains(pb[p])) {
                        String sa = signature(a);
                        String sb = signature(b);
                        pairs.add(type.getName() + ": " + (sa.compareTo(sb) < 0 ? sa + " / " + sb : sb + " / " + sa)
                                + ", parameter " + (p + 1));
                        break;
                    }
                }
            }
        }
        return pairs;
    }

    private static boolean visible(Executable e) {
        return !e.isSynthetic() && (Modifier.isPublic(e.getModifiers()) || Modifier.isProtected(e.getModifiers()));
    }

    private static String name(Executable e) {
        return e instanceof Constructor<?> ? "<init>" : e.getName();
    }

    private static String signature(Executable e) {
        return name(e) + "(" + Arrays.stream(e.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(", ")) + ")";
    }
}
