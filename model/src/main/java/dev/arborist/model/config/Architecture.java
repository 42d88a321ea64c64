package dev.arborist.model.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The Hugging Face architectures this runtime executes. They differ only in a few switches. */
public enum Architecture {
    LLAMA("LlamaForCausalLM", false, false),
    MISTRAL("MistralForCausalLM", false, false),
    QWEN2("Qwen2ForCausalLM", true, false),
    MIXTRAL("MixtralForCausalLM", false, true);

    private final String hfName;
    private final boolean qkvBias;
    private final boolean mixtureOfExperts;

    Architecture(String hfName, boolean qkvBias, boolean mixtureOfExperts) {
        this.hfName = hfName;
        this.qkvBias = qkvBias;
        this.mixtureOfExperts = mixtureOfExperts;
    }

    public String hfName() {
        return hfName;
    }

    /** Qwen2 adds biases to the q/k/v projections; the others have none. */
    public boolean qkvBias() {
        return qkvBias;
    }

    public boolean mixtureOfExperts() {
        return mixtureOfExperts;
    }

    public static Architecture fromHfName(String name) {
        for (Architecture a : values()) {
            if (a.hfName.equals(name)) {
                return a;
            }
        }
        String known = Arrays.stream(values()).map(Architecture::hfName).collect(Collectors.joining(", "));
        throw new ModelFormatException("unsupported architecture '" + name + "' (supported: " + known + ")");
    }
}
