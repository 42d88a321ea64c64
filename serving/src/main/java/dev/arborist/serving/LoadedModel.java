package dev.arborist.serving;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.HfTokenizer;
import java.nio.file.Path;

/** A model and its tokenizer as the server runs them, under the name clients use. */
record LoadedModel(String name, LanguageModel model, HfTokenizer tokenizer) implements AutoCloseable {

    static LoadedModel load(String name, Path dir) {
        LanguageModel model = LanguageModel.load(dir);
        try {
            return new LoadedModel(name, model, HfTokenizer.load(dir.resolve("tokenizer.json")));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Context length in tokens: prompt plus generated tokens must fit. */
    int contextLength() {
        return model.config().maxPositions();
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
