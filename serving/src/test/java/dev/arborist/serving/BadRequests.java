package dev.arborist.serving;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table behind {@link EndpointBadInputTest}: every route, and for each what can be wrong with
 * a request to it (the completion bodies and fields are in {@link BadBodies}). Each case is the
 * exact bytes sent, the status expected and, where one field is to blame, the {@code param} the
 * error body must name.
 */
final class BadRequests {
    /** Any 4xx will do: the case is about never failing with a 5xx, not about which 4xx. */
    static final int ANY_4XX = -1;

    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT = "/v1/chat/completions";
    private static final List<String> GET_ROUTES = List.of("/v1/models", "/health/live", "/health/ready", "/metrics");
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> ADMIN_JSON = Map.of("Content-Type", "application/json",
            "Authorization", "Bearer " + EndpointBadInputTest.TOKEN);

    private BadRequests() {}

    /** One request and what the server must answer. */
    record Case(String name, byte[] request, int status, String param) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> all(Path dir) {
        List<Case> all = new ArrayList<>();
        all.addAll(BadBodies.all());
        for (String path : List.of(COMPLETIONS, CHAT)) {
            all.addAll(contentTypesAndSizes(path, Map.of()));
        }
        all.addAll(methodsAndPaths());
        all.addAll(adminAuth());
        all.addAll(adminPlanBodies(dir));
        all.addAll(contentTypesAndSizes("/admin/plan", Map.of("Authorization", ADMIN_JSON.get("Authorization"))));
        return all;
    }

    /** Wrong or missing content types and bodies over the limit, on a POST route ({@code auth}: extra headers it needs). */
    private static List<Case> contentTypesAndSizes(String path, Map<String, String> auth) {
        byte[] body = path.startsWith("/admin") ? utf8("{\"path\": \"/nowhere\"}") : Http.completion("the", 2).toBuffer().getBytes();
        List<Case> cases = new ArrayList<>();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
                "json", "application/jsonl")) {
            cases.add(post(path, "Content-Type " + type, with(auth, "Content-Type", type), body, 415, null));
        }
        cases.add(post(path, "no Content-Type", auth, body, 415, null));
        cases.add(post(path, "a UTF-16 body", with(auth, "Content-Type", "application/json; charset=utf-16"),
                "{\"model\": \"tiny\", \"prompt\": \"the\"}".getBytes(StandardCharsets.UTF_16), 400, null));
        Map<String, String> json = with(auth, "Content-Type", "application/json");
        byte[] big = utf8("{\"model\": \"tiny\", \"prompt\": \"" + "x".repeat(EndpointBadInputTest.BODY_LIMIT) + "\"}");
        cases.add(post(path, "a body over the limit", json, big, 413, null));
        cases.add(post(path, "a chunked body over the limit", with(json, "Transfer-Encoding", "chunked"), chunked(big), 413, null));
        cases.add(new Case("POST " + path + ": a Content-Length of 10 MB, never sent",
                RawHttp.request("POST", path, with(json, "Content-Length", "10000000"), null), 413, null));
        return cases;
    }

    /** Wrong methods on every route, and paths no route serves. */
    private static List<Case> methodsAndPaths() {
        List<Case> cases = new ArrayList<>();
        for (String path : List.of(COMPLETIONS, CHAT)) {
            for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW")) {
                cases.add(request(method, path, Map.of(), null, 405));
            }
        }
        for (String path : GET_ROUTES) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                cases.add(request(method, path, JSON, utf8("{}"), 405));
            }
        }
        Map<String, String> token = Map.of("Authorization", ADMIN_JSON.get("Authorization"));
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            cases.add(request(method, "/admin/plan", token, null, 405));
        }
        for (String method : List.of("GET", "PUT", "DELETE")) {
            cases.add(request(method, "/admin/rollback", token, null, 405));
        }
        cases.add(request("GET", "/admin/nothing-here", token, null, ANY_4XX)); // 405: POST /admin/* takes the path
        for (String path : List.of("/v1", "/v1/", "/v2/completions", "/v1/completion", "/V1/completions", "/v1/completions/extra",
                "/v1/models/tiny", "/metrics/x", "/health", "/.env", "/v1/%2e%2e/%2e%2e/etc/passwd", "/v1/models%00",
                "/" + "a".repeat(3000), "http://localhost/v1/nothing")) {
            cases.add(request("GET", path, Map.of(), null, 404));
        }
        return cases;
    }

    /** Requests the HTTP codec itself refuses, before any route sees them. */
    static List<Case> malformedHttp() {
        String close = "Host: localhost\r\nConnection: close\r\n";
        String post = "POST /v1/completions HTTP/1.1\r\n" + close + "Content-Type: application/json\r\n";
        String body = Http.completion("the", 2).encode();
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("a request line that is not HTTP", "HELLO THERE\r\n\r\n");
        raw.put("a 10000-character URI", "GET /v1/" + "a".repeat(10_000) + " HTTP/1.1\r\n" + close + "\r\n");
        raw.put("a 20 KB header", "GET /v1/models HTTP/1.1\r\n" + close + "X-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        raw.put("a header line without a colon", "GET /v1/models HTTP/1.1\r\n" + close + "no colon here\r\n\r\n");
        raw.put("a Content-Length that is not a number", post + "Content-Length: ten\r\n\r\n" + body);
        List<Case> cases = new ArrayList<>();
        raw.forEach((what, text) -> cases.add(new Case("raw HTTP: " + what, text.getBytes(StandardCharsets.ISO_8859_1), ANY_4XX, null)));
        return cases;
    }

    /** The admin API without the right bearer token: always 401, whatever the route. */
    private static List<Case> adminAuth() {
        String token = EndpointBadInputTest.TOKEN;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("no Authorization header", null);
        headers.put("an empty Authorization header", "");
        headers.put("'Bearer' and no token", "Bearer");
        headers.put("'Bearer ' and an empty token", "Bearer ");
        headers.put("a lower-case scheme", "bearer " + token);
        headers.put("Basic auth", "Basic czNjcmV0OnMzY3JldA==");
        headers.put("the bare token", token);
        headers.put("two spaces", "Bearer  " + token);
        headers.put("a prefix of the token", "Bearer " + token.substring(0, token.length() - 1));
        headers.put("non-ASCII bytes", "Bearer s3cr\u00e9t");
        headers.put("a 4000-character token", "Bearer " + "t".repeat(4000));
        List<Case> cases = new ArrayList<>();
        for (String[] route : new String[][] {{"GET", "/admin/plan"}, {"POST", "/admin/plan"}, {"POST", "/admin/rollback"}, {"GET", "/admin/x"}}) {
            headers.forEach((what, value) -> {
                Map<String, String> h = new LinkedHashMap<>(JSON);
                if (value != null) {
                    h.put("Authorization", value);
                }
                byte[] body = route[0].equals("POST") ? utf8("{\"path\": \"/nowhere\"}") : null;
                cases.add(new Case(route[0] + " " + route[1] + ": " + what, RawHttp.request(route[0], route[1], h, body), 401, null));
            });
        }
        cases.add(new Case("GET /admin/plan: the token in the query string",
                RawHttp.request("GET", "/admin/plan?access_token=" + token, Map.of(), null), 401, null));
        return cases;
    }

    /** {@code POST /admin/plan} with the right token and a body that names no loadable plan. */
    private static List<Case> adminPlanBodies(Path dir) {
        Map<String, Integer> paths = new LinkedHashMap<>();
        paths.put("{}", 400);
        paths.put("{\"path\": null}", 400);
        paths.put("{\"path\": \"\"}", 400);
        paths.put("{\"path\": \"   \"}", 400);
        paths.put("{\"path\": 42}", ANY_4XX);
        paths.put("{\"path\": [\"/tmp\"]}", ANY_4XX);
        paths.put("{\"path\": {\"dir\": \"/tmp\"}}", ANY_4XX);
        paths.put("{\"path\": true}", ANY_4XX);
        paths.put("{\"path\": \"bad\\u0000path\"}", ANY_4XX);
        paths.put("{\"path\": \"" + "p".repeat(3000) + "\"}", 404);
        paths.put("{\"path\": \"/nowhere/at/all\"}", 404);
        paths.put("{\"path\": \"relative/nowhere\"}", 404);
        paths.put("{\"path\": \"" + dir.resolve("a-file") + "\"}", 404);
        paths.put("{\"path\": \"" + dir + "\"}", 422);
        paths.put("{\"path\": \"" + dir.resolve("tiny") + "\"}", 422);
        paths.put("[]", 400);
        paths.put("", 400);
        paths.put("{\"path\": ", 400);
        List<Case> cases = new ArrayList<>();
        paths.forEach((body, status) -> cases.add(post("/admin/plan", "body " + abbreviate(body), ADMIN_JSON, utf8(body), status, null)));
        cases.add(post("/admin/plan", "invalid UTF-8 in the path", ADMIN_JSON, BadBodies.withBytes("{\"path\": \"/tmp/x", 0xC3, 0x28), 400, null));
        return cases;
    }

    static Case post(String path, String what, Map<String, String> headers, byte[] body, int status, String param) {
        return new Case("POST " + path + ": " + what, RawHttp.request("POST", path, headers, body), status, param);
    }

    private static Case request(String method, String path, Map<String, String> headers, byte[] body, int status) {
        String shown = path.length() > 60 ? path.substring(0, 30) + "... (" + path.length() + " chars)" : path;
        return new Case(method + " " + shown, RawHttp.request(method, path, headers, body), status, null);
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 1000) {
            int n = Math.min(1000, body.length - at);
            out.writeBytes(utf8(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(utf8("\r\n"));
        }
        out.writeBytes(utf8("0\r\n\r\n"));
        return out.toByteArray();
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put(name, value);
        return out;
    }

    static String abbreviate(String v) {
        return v.length() > 40 ? v.substring(0, 20) + "... (" + v.length() + " chars)" : v;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
