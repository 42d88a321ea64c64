package dev.arborist.model.gen;

/** Why a sequence stopped, with the OpenAI API's wording. */
public enum FinishReason {
    STOP("stop"),
    LENGTH("length");

    private final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
