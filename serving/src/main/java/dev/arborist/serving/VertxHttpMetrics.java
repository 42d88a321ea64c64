package dev.arborist.serving;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A Vert.x instance whose HTTP server meters ({@code vertx_http_server_requests_total},
 * {@code vertx_http_server_response_time_seconds}, active requests and connections, bytes) go to
 * the serving registry, so one scrape of {@code /metrics} has both. Labels are route, method and
 * status code. The route is the matched route pattern, never the raw path: a request no route
 * matched is labelled {@code unmatched}, and methods outside the standard set {@code OTHER}, so
 * what clients send cannot grow the number of series.
 */
final class VertxHttpMetrics {
    private static final String HTTP_SERVER_METERS = "vertx.http.server";
    static final String UNMATCHED = "unmatched";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");

    private VertxHttpMetrics() {}

    /** A new Vert.x instance recording its HTTP server meters into {@code registry}. */
    static Vertx newVertx(MeterRegistry registry) {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                // Vert.x keeps registries in a static map by name: a unique name keeps two servers in one JVM apart.
                .setRegistryName("arborist-" + UUID.randomUUID())
                .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE));
        for (MetricsDomain domain : MetricsDomain.values()) {
            if (domain != MetricsDomain.HTTP_SERVER) { // no event bus, clients or pools here: no empty series
                metrics.addDisabledMetricsCategory(domain);
            }
        }
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /** Caps what requests can put into label values; the registry installs it before any meter exists. */
    static MeterFilter boundedLabels() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith(HTTP_SERVER_METERS)) {
                    return id;
                }
                List<Tag> tags = id.getTags().stream().map(VertxHttpMetrics::bounded).toList();
                return tags.equals(id.getTags()) ? id : id.replaceTags(tags);
            }
        };
    }

    private static Tag bounded(Tag tag) {
        return switch (tag.getKey()) {
            case "method" -> METHODS.contains(tag.getValue()) ? tag : Tag.of("method", "OTHER");
            case "route" -> tag.getValue().isEmpty() ? Tag.of("route", UNMATCHED) : tag;
            default -> tag;
        };
    }
}
