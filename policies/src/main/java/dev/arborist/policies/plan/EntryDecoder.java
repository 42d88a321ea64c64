package dev.arborist.policies.plan;

import com.fasterxml.jackson.databind.JsonNode;

/** What a codec reads an entry back from. */
public interface EntryDecoder {

    JsonNode json();

    float[] tensor(String storedName);

    long[] shape(String storedName);

    /** The bytes stored by {@link EntryEncoder#bytes}. */
    byte[] bytes(String storedName);
}
