package dev.arborist.policies.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The snapshot format of {@link ControllerState}: snake_case JSON, instants as ISO-8601 strings
 * (written by hand, so policies needs no java.time module for Jackson).
 */
final class ControllerStateJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControllerStateJson() {
    }

    static String encode(ControllerState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", ControllerState.SCHEMA);
        o.put("current_rung", s.currentRung());
        o.put("last_move_at", s.lastMoveAt() == null ? null : s.lastMoveAt().toString());
        o.put("violation_streak", s.violationStreak());
        o.put("headroom_streak", s.headroomStreak());
        s.recentHeadroomRates().forEach(o.putArray("recent_headroom_rates")::add);
        o.put("rung_before_move", s.rungBeforeMove());
        o.set("move_basis", s.moveBasis() == null ? null : window(s.moveBasis()));
        o.put("backfired_windows", s.backfiredWindows());
        ObjectNode p = o.putObject("penalties");
        s.penalties().forEach((rung, bar) -> p.putObject(rung.toString()).put("until", bar.until().toString()).put("load", bar.load()));
        o.put("quality_cap", s.qualityCap());
        ObjectNode b = o.putObject("denser_backoff");
        b.put("level", s.backoff().level());
        b.put("load", s.backoff().load());
        b.put("last_denser_at", s.backoff().lastDenserAt() == null ? null : s.backoff().lastDenserAt().toString());
        b.put("last_denser_load", s.backoff().lastDenserLoad());
        s.recentWindows().forEach(w -> o.withArray("recent_windows").addObject().put("end", w.end().toString()).put("dense_ratio", w.denseRatio())
                .put("request_rate", w.requestRate()));
        return o.toString();
    }

    static ControllerState decode(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            if (o == null || !ControllerState.SCHEMA.equals(o.path("schema").asText())) {
                throw new IllegalArgumentException("not a controller snapshot (schema " + ControllerState.SCHEMA + ")");
            }
            TreeMap<Integer, Bar> penalties = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("penalties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                penalties.put(Integer.parseInt(e.getKey()), bar(e.getValue()));
            }
            return new ControllerState(o.get("current_rung").asInt(), instant(o.get("last_move_at")),
                    o.get("violation_streak").asInt(), o.get("headroom_streak").asInt(), rates(o.path("recent_headroom_rates")),
                    integer(o.get("rung_before_move")),
                    o.hasNonNull("move_basis") ? window(o.get("move_basis")) : null, penalties, integer(o.get("quality_cap")),
                    backoff(o.get("denser_backoff")), peaks(o.path("recent_windows")), o.path("backfired_windows").asInt(0));
        } catch (JsonProcessingException | NullPointerException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("malformed controller snapshot: " + e, e);
        }
    }

    /**
     * Snapshots written before loads were kept hold a bar as its end alone, and no back-off or peak
     * rates at all: they resume with bars only time lifts and without a back-off.
     */
    private static Bar bar(JsonNode n) {
        return n.isTextual() ? Bar.until(Instant.parse(n.asText())) : new Bar(Instant.parse(n.get("until").asText()), n.path("load").asDouble(0));
    }

    private static DenserBackoff backoff(JsonNode n) {
        return n == null || n.isNull() ? DenserBackoff.NONE
                : new DenserBackoff(n.get("level").asInt(), n.path("load").asDouble(0), instant(n.get("last_denser_at")),
                        n.path("last_denser_load").asDouble(0));
    }

    private static List<PeakWindow> peaks(JsonNode n) {
        List<PeakWindow> windows = new ArrayList<>();
        n.forEach(w -> windows.add(new PeakWindow(Instant.parse(w.get("end").asText()), w.get("dense_ratio").asDouble(),
                w.get("request_rate").asDouble())));
        return windows;
    }

    private static List<Double> rates(JsonNode n) {
        List<Double> rates = new ArrayList<>();
        n.forEach(r -> rates.add(r.asDouble()));
        return rates;
    }

    private static ObjectNode window(WindowSummary w) {
        ObjectNode o = JSON.createObjectNode();
        o.put("start", w.start().toString());
        o.put("end", w.end().toString());
        o.put("requests", w.requests());
        o.put("ttft_p95", w.ttftP95());
        o.put("itl_p95", w.itlP95());
        o.put("e2e_p95", w.e2eP95());
        o.put("queue_p95", w.queueP95());
        o.put("tokens_per_second", w.tokensPerSecond());
        o.put("rung", w.rung());
        return o;
    }

    private static WindowSummary window(JsonNode o) {
        return new WindowSummary(Instant.parse(o.get("start").asText()), Instant.parse(o.get("end").asText()),
                o.get("requests").asLong(), number(o.get("ttft_p95")), number(o.get("itl_p95")), number(o.get("e2e_p95")),
                number(o.get("queue_p95")), o.get("tokens_per_second").asDouble(), o.get("rung").asInt());
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    private static Integer integer(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }
}
