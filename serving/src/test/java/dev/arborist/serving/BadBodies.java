package dev.arborist.serving;

import static dev.arborist.serving.BadRequests.ANY_4XX;
import static dev.arborist.serving.BadRequests.CHAT;
import static dev.arborist.serving.BadRequests.COMPLETIONS;
import static dev.arborist.serving.BadRequests.JSON;
import static dev.arborist.serving.BadRequests.abbreviate;
import static dev.arborist.serving.BadRequests.post;
import static dev.arborist.serving.BadRequests.utf8;

import dev.arborist.serving.BadRequests.Case;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The completion endpoints' part of {@link BadRequests}: bodies that are not JSON objects, and every field wrong in every way. */
final class BadBodies {
    private BadBodies() {}

    static List<Case> all() {
        List<Case> all = new ArrayList<>();
        for (String path : List.of(COMPLETIONS, CHAT)) {
            all.addAll(bodies(path));
        }
        all.addAll(commonFields(COMPLETIONS, Http.completion("the", 2)));
        all.addAll(commonFields(CHAT, Http.chat("the", 2)));
        all.addAll(promptField());
        all.addAll(chatFields());
        return all;
    }

    /** Bodies that are not one strict UTF-8 JSON object. */
    private static List<Case> bodies(String path) {
        String ok = "{\"model\": \"tiny\", \"prompt\": \"the\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        String openString = ok + ", \"user\": \"ab";
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("an empty body", new byte[0]);
        bodies.put("a blank body", utf8("  \n "));
        bodies.put("JSON null", utf8("null"));
        bodies.put("a JSON string", utf8("\"the\""));
        bodies.put("a JSON number", utf8("42"));
        bodies.put("JSON true", utf8("true"));
        bodies.put("a JSON array", utf8("[{\"model\": \"tiny\"}]"));
        bodies.put("an unclosed object", utf8(ok));
        bodies.put("a missing value", utf8("{\"model\": }"));
        bodies.put("a trailing comma", utf8(ok + ",}"));
        bodies.put("single-quoted strings", utf8("{'model': 'tiny', 'prompt': 'the'}"));
        bodies.put("a second object after the first", utf8(ok + "} {}"));
        bodies.put("garbage after the object", utf8(ok + "} trailing"));
        bodies.put("a NaN literal", utf8(ok + ", \"temperature\": NaN}"));
        bodies.put("an Infinity literal", utf8(ok + ", \"temperature\": Infinity}"));
        bodies.put("arrays nested 1500 deep", utf8(ok + ", \"x\": " + "[".repeat(1500) + "]".repeat(1500) + "}"));
        bodies.put("a 1500-digit number", utf8(ok + ", \"max_tokens\": " + "9".repeat(1500) + "}"));
        bodies.put("a raw control character in a string", utf8("{\"model\": \"ti\u0001ny\", \"prompt\": \"the\"}"));
        bodies.put("invalid UTF-8: a lone continuation byte", withBytes(openString, 0x80));
        bodies.put("invalid UTF-8: an overlong '/'", withBytes(openString, 0xC0, 0xAF));
        bodies.put("invalid UTF-8: an encoded surrogate", withBytes(openString, 0xED, 0xA0, 0x80));
        bodies.put("invalid UTF-8: a cut multi-byte character", withBytes(openString, 0xE2, 0x82));
        bodies.put("invalid UTF-8: a 0xFF byte", withBytes(openString, 0xFF));
        bodies.put("invalid UTF-8 in a key", concat(utf8("{\"mo"), new byte[] {(byte) 0xC3, 0x28}, utf8("del\": \"tiny\"}")));
        List<Case> cases = new ArrayList<>();
        bodies.forEach((what, body) -> cases.add(post(path, what, JSON, body, 400, null)));
        // Duplicate keys: the last one counts (Jackson's rule), so a bad last value is refused like any other.
        cases.add(post(path, "duplicate keys, the last one of the wrong type", JSON,
                utf8(ok + ", \"max_tokens\": 2, \"max_tokens\": \"two\"}"), 400, "max_tokens"));
        return cases;
    }

    /** Every common field with a value of the wrong type or out of range, on either completion endpoint. */
    private static List<Case> commonFields(String path, JsonObject base) {
        Map<String, List<String>> bad = new LinkedHashMap<>();
        bad.put("model", List.of("42", "true", "[]", "{}", "null"));
        bad.put("max_tokens", List.of("-1", "0", "1.5", "\"2\"", "true", "[]", "2147483648", "9223372036854775808", "1e309"));
        bad.put("temperature", List.of("-0.1", "2.01", "\"0\"", "true", "{}", "1e309", "-1e309"));
        bad.put("top_p", List.of("0", "-1", "1.0001", "\"1\"", "1e-400", "[]"));
        bad.put("n", List.of("0", "2", "-1", "\"1\"", "1.0"));
        bad.put("seed", List.of("\"1\"", "1.5", "true", "18446744073709551616"));
        bad.put("stream", List.of("\"true\"", "1", "[]"));
        bad.put("stream_options", List.of("\"yes\"", "1", "[]"));
        bad.put("ignore_eos", List.of("\"true\"", "1"));
        bad.put("slo_class", List.of("\"\"", "\"Interactive\"", "\"inter active\"", "\"" + "a".repeat(33) + "\"", "42"));
        List<Case> cases = new ArrayList<>();
        bad.forEach((field, values) -> values.forEach(v ->
                cases.add(post(path, field + " = " + abbreviate(v), JSON, withField(base, field, v), 400, field))));
        cases.add(post(path, "stream_options.include_usage = \"yes\"", JSON, withField(base, "stream_options", "{\"include_usage\": \"yes\"}"), 400, null));
        cases.add(post(path, "an empty model name", JSON, withField(base, "model", "\"\""), 404, "model"));
        cases.add(post(path, "a 3000-character model name", JSON, withField(base, "model", "\"" + "m".repeat(3000) + "\""), 404, "model"));
        cases.add(post(path, "an invalid " + CompletionRequest.SLO_CLASS_HEADER + " header",
                Map.of("Content-Type", "application/json", CompletionRequest.SLO_CLASS_HEADER, "Not Valid!"), base.toBuffer().getBytes(),
                400, CompletionRequest.SLO_CLASS_HEADER));
        return cases;
    }

    /** /v1/completions' prompt: a string or an array of exactly one string. */
    private static List<Case> promptField() {
        JsonObject base = Http.completion("the", 2);
        List<Case> cases = new ArrayList<>();
        for (String v : List.of("42", "true", "{}", "[]", "[\"the\", \"model\"]", "[42]", "[[\"the\"]]", "null")) {
            cases.add(post(COMPLETIONS, "prompt = " + v, JSON, withField(base, "prompt", v), 400, "prompt"));
        }
        cases.add(post(COMPLETIONS, "no prompt at all", JSON, utf8("{\"model\": \"tiny\"}"), 400, "prompt"));
        return cases;
    }

    /** /v1/chat/completions' own fields: messages of every wrong shape, max_completion_tokens. */
    private static List<Case> chatFields() {
        JsonObject base = Http.chat("the", 2);
        Map<String, String> messages = new LinkedHashMap<>();
        messages.put("\"hi\"", "messages");
        messages.put("{}", "messages");
        messages.put("null", "messages");
        messages.put("[42]", "messages[0]");
        messages.put("[null]", "messages[0]");
        messages.put("[{\"role\": \"user\"}]", "messages[0].content");
        messages.put("[{\"role\": \"user\", \"content\": 42}]", "messages[0].content");
        messages.put("[{\"role\": \"user\", \"content\": [42]}]", "messages[0].content");
        messages.put("[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]", "messages[0].content");
        messages.put("[{\"role\": \"tool\", \"content\": \"x\"}]", "messages[0].role");
        messages.put("[{\"role\": \"User\", \"content\": \"x\"}]", "messages[0].role");
        messages.put("[{\"role\": 42, \"content\": \"x\"}]", null); // the error names "role", not which message
        messages.put("[{\"role\": \"user\", \"content\": \"x\"}, {\"content\": \"y\"}]", "messages[1].role");
        List<Case> cases = new ArrayList<>();
        messages.forEach((v, param) -> cases.add(post(CHAT, "messages = " + v, JSON, withField(base, "messages", v), 400, param)));
        for (String v : List.of("\"x\"", "1.5", "0", "-5")) { // a value below 1 is blamed on "max_tokens"
            cases.add(post(CHAT, "max_completion_tokens = " + v, JSON, withField(base, "max_completion_tokens", v), 400,
                    v.startsWith("\"") || v.contains(".") ? "max_completion_tokens" : null));
        }
        String many = "[" + String.join(", ", IntStream.range(0, 60).mapToObj(i -> "{\"role\": \"user\", \"content\": \"the\"}").toList()) + "]";
        cases.add(post(CHAT, "60 messages: more than the context", JSON, withField(base, "messages", many), 400, "prompt"));
        cases.add(post(CHAT, "a prompt instead of messages", JSON, utf8("{\"model\": \"tiny\", \"prompt\": \"the\"}"), 400, "messages"));
        return cases;
    }

    /** Valid JSON with text a tokenizer may choke on: served, or refused with a 4xx, but never a 5xx. */
    static List<Case> oddText() {
        List<String> texts = List.of("\\ud800", "\\udc00 the", "\\u0000", "\\u0000\\u0000\\u0000", "\\ufeff", "\\ufffd\\ufffd",
                " ", "\\n\\n", "\\t", "\\u200b", "\\ud83c\\udf33\\ud83c\\udf33", "\u65e5\u672c\u8a9e", "\\u0301", "\\\\u0000");
        List<Case> cases = new ArrayList<>();
        for (String t : texts) {
            cases.add(post(COMPLETIONS, "prompt \"" + t + "\"", JSON, withField(Http.completion("x", 2), "prompt", "\"" + t + "\""), ANY_4XX, null));
            cases.add(post(CHAT, "content \"" + t + "\"", JSON,
                    withField(Http.chat("x", 2), "messages", "[{\"role\": \"user\", \"content\": \"" + t + "\"}]"), ANY_4XX, null));
            cases.add(post(COMPLETIONS, "streamed prompt \"" + t + "\"", JSON,
                    withField(Http.completion("x", 2).put("stream", true), "prompt", "\"" + t + "\""), ANY_4XX, null));
        }
        return cases;
    }

    /** {@code base} with {@code field} set to the raw JSON text {@code value} (which JsonObject may not be able to hold). */
    private static byte[] withField(JsonObject base, String field, String value) {
        JsonObject rest = base.copy();
        rest.remove(field);
        String encoded = rest.encode();
        return utf8("{\"" + field + "\": " + value + (rest.isEmpty() ? "}" : ", " + encoded.substring(1)));
    }

    /** {@code open} (which ends inside a string value), then {@code bytes}, then the closing quote and brace. */
    static byte[] withBytes(String open, int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return concat(utf8(open), raw, utf8("\"}"));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
