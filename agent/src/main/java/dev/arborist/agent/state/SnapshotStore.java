package dev.arborist.agent.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.arborist.events.EventJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The agent's snapshot file in the store directory ({@code agent-<deployment>.json}), written
 * atomically: a temp file in the same directory, forced to disk, then renamed over the old one,
 * so a crash leaves either the previous snapshot or the new one, never half of one.
 */
public final class SnapshotStore {
    private static final ObjectMapper JSON = mapper();

    private final Path file;
    private final String deployment;

    public SnapshotStore(Path storeDir, String deployment) {
        this.file = storeDir.resolve("agent-" + deployment + ".json");
        this.deployment = deployment;
    }

    public Path file() {
        return file;
    }

    /** @return the snapshot, or null when there is none yet */
    public AgentState load() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            AgentState s = JSON.readValue(file.toFile(), AgentState.class);
            if (!AgentState.SCHEMA.equals(s.schema()) || !deployment.equals(s.deployment())) {
                throw new IllegalStateException("snapshot " + file + " is not an " + AgentState.SCHEMA + " snapshot of deployment " + deployment);
            }
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("snapshot " + file + " cannot be read (" + e.getMessage()
                    + "); move it away to start this deployment afresh", e);
        }
    }

    public void save(AgentState state) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp"); // same directory: the rename stays atomic
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                JSON.writeValue(out, state);
                channel.force(true); // on disk before the rename makes it the snapshot
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write the agent snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    /** The events' conventions (snake_case, absent nulls) plus instants as ISO-8601 strings. */
    private static ObjectMapper mapper() {
        ObjectMapper m = EventJson.mapper().copy();
        m.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // the channel must stay open to be forced to disk
        SimpleModule instants = new SimpleModule("instants");
        instants.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        instants.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        return m.registerModule(instants);
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write error is what the caller needs
            }
        }
    }
}
