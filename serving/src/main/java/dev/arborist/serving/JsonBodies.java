package dev.arborist.serving;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Request bodies to JSON objects, refusing anything that is not strict UTF-8 JSON with an object at the top. */
final class JsonBodies {
    private JsonBodies() {}

    static JsonObject parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ApiError.invalid("the request body is empty; send a JSON object", null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body.getBytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid("the request body is not valid UTF-8", null);
        }
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw ApiError.invalid("the request body is not a JSON object: " + firstLine(e.getMessage()), null);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
