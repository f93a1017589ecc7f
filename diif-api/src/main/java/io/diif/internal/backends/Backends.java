package io.diif.internal.backends;

import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends on the class path and picks one.
 *
 * <p>Selection, first match wins: the name passed in code; the system property {@value #PROPERTY};
 * the environment variable {@value #ENVIRONMENT}; else the available backend with the highest
 * {@link BackendProvider#priority()} (ties broken by name, so the pick never depends on class-path
 * order). A provider that fails to load is reported, not fatal. Each backend is created once per
 * process and shared.
 */
public final class Backends {

    /** System property naming the backend to use. */
    public static final String PROPERTY = "diif.backend";
    /** Environment variable naming the backend to use (after the system property). */
    public static final String ENVIRONMENT = "DIIF_BACKEND";

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final String HOW_TO_ADD = "Add one backend artifact next to diif-api, e.g. io.diif:diif-backend-onnx"
            + " (or diif-backend-tensorflow, diif-backend-pytorch, or the pure-Java diif-backend-java).";

    private static final Map<String, Backend> CREATED = new ConcurrentHashMap<>();

    private Backends() {
    }

    /** What discovery found: usable providers, and providers that could not be used with the reason. */
    public record Discovery(List<BackendProvider> available, Map<String, String> unavailable, List<String> broken) {
        public Discovery {
            available = List.copyOf(available);
            unavailable = Map.copyOf(unavailable);
            broken = List.copyOf(broken);
        }

        /** Names of the usable backends, best first. */
        public List<String> availableNames() {
            return available.stream().map(BackendProvider::name).toList();
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("available: ").append(available.isEmpty() ? "none" : String.join(", ", availableNames()));
            unavailable.forEach((name, why) -> sb.append("; ").append(name).append(" unavailable: ").append(why));
            broken.forEach(b -> sb.append("; failed to load: ").append(b));
            return sb.toString();
        }
    }

    /** Scans the class path (each call scans afresh). */
    public static Discovery discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    /** Scans with the given class loader. */
    public static Discovery discover(ClassLoader loader) {
        Map<String, BackendProvider> byName = new LinkedHashMap<>();
        Map<String, String> unavailable = new LinkedHashMap<>();
        List<String> broken = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class,
                loader != null ? loader : Backends.class.getClassLoader()).iterator();
        while (true) {
            BackendProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                broken.add(e.toString());
                LOG.warn("A diif backend provider failed to load: {}", e.toString());
                continue;
            }
            String name;
            Optional<String> reason;
            try {
                name = provider.name().toLowerCase(Locale.ROOT);
                reason = provider.unavailableReason();
            } catch (RuntimeException | LinkageError e) {
                broken.add(provider.getClass().getName() + ": " + e);
                continue;
            }
            if (reason.isPresent()) {
                unavailable.put(name, reason.get());
            } else if (byName.putIfAbsent(name, provider) != null) {
                LOG.warn("Two diif backend providers are named {}: {} and {}; using the first",
                        name, byName.get(name).getClass().getName(), provider.getClass().getName());
            }
        }
        List<BackendProvider> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(p -> p.name().toLowerCase(Locale.ROOT)));
        return new Discovery(sorted, unavailable, broken);
    }

    /**
     * The backend to use: {@code requested} if not null or blank, else the configured or best one.
     *
     * @throws IllegalStateException if the named backend is not on the class path, or none is, with a
     *     message listing what is available and how to add one
     */
    public static Backend select(String requested) {
        BackendProvider chosen = resolve(requested);
        return CREATED.computeIfAbsent(chosen.name().toLowerCase(Locale.ROOT), n -> {
            Backend b = chosen.create();
            LOG.info("diif backend: {}", b.description());
            return b;
        });
    }

    /**
     * The provider {@link #select} would use, without creating its backend (no native code loaded).
     *
     * @throws IllegalStateException as {@link #select}
     */
    public static BackendProvider resolve(String requested) {
        return choose(requested).provider();
    }

    /** How a backend was picked: by name from one of the three places, or by priority. */
    public enum Source {
        /** Named in code (the model builder, or the command line's {@code --backend}). */
        REQUESTED,
        /** Named by the system property {@value Backends#PROPERTY}. */
        PROPERTY,
        /** Named by the environment variable {@value Backends#ENVIRONMENT}. */
        ENVIRONMENT,
        /** Nobody named one: the available backend with the highest priority. */
        PRIORITY
    }

    /**
     * The provider {@link #select} would use and why.
     *
     * @param among the usable providers, best first, when picked by priority (else just the named one)
     */
    public record Choice(BackendProvider provider, Source source, List<BackendProvider> among) {
        public Choice {
            among = List.copyOf(among);
        }

        /** One line for humans: {@code named by -Ddiif.backend}, or the priorities it won against. */
        public String reason() {
            return switch (source) {
                case REQUESTED -> "named explicitly";
                case PROPERTY -> "named by -D" + PROPERTY;
                case ENVIRONMENT -> "named by $" + ENVIRONMENT;
                case PRIORITY -> among.size() == 1 ? "the only backend available"
                        : "highest priority of " + String.join(", ", among.stream()
                                .map(p -> p.name() + " " + p.priority()).toList());
            };
        }
    }

    /**
     * The provider {@link #select} would use, with how it was picked, without creating its backend.
     *
     * @throws IllegalStateException as {@link #select}
     */
    public static Choice choose(String requested) {
        Source source = Source.REQUESTED;
        String name = requested;
        if (name == null || name.isBlank()) {
            source = Source.PROPERTY;
            name = System.getProperty(PROPERTY);
        }
        if (name == null || name.isBlank()) {
            source = Source.ENVIRONMENT;
            name = System.getenv(ENVIRONMENT);
        }
        Discovery discovery = discover();
        if (name != null && !name.isBlank()) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            BackendProvider named = discovery.available().stream().filter(p -> p.name().equalsIgnoreCase(wanted))
                    .findFirst().orElseThrow(() -> new IllegalStateException("diif backend '" + wanted
                            + "' is not available (" + discovery.describe() + "). " + HOW_TO_ADD));
            return new Choice(named, source, List.of(named));
        }
        if (discovery.available().isEmpty()) {
            throw new IllegalStateException("No diif backend found on the class path or module path ("
                    + discovery.describe() + "). " + HOW_TO_ADD);
        }
        BackendProvider chosen = discovery.available().get(0);
        if (discovery.available().size() > 1) {
            LOG.debug("Several diif backends found ({}); using {} (highest priority). Choose with -D{}=NAME",
                    discovery.availableNames(), chosen.name(), PROPERTY);
        }
        return new Choice(chosen, Source.PRIORITY, discovery.available());
    }
}
