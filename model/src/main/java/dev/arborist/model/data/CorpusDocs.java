package dev.arborist.model.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arborist.model.data.TarGzReader.TarEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sentences of nlp-corpus: {@code package/builds/doc-N.json} files, each a JSON array of
 * strings, concatenated in numeric N order (the order the package's own {@code all()} uses).
 */
final class CorpusDocs {

    static final Pattern DOC_NAME = Pattern.compile("package/builds/doc-(\\d+)\\.json");
    // About 100 of the 100k sentences contain line breaks; the split files hold one sentence per line.
    private static final Pattern LINE_BREAK = Pattern.compile("\\h*\\R+\\h*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CorpusDocs() {}

    static boolean isDoc(String entryName) {
        return DOC_NAME.matcher(entryName).matches();
    }

    static List<String> sentences(List<TarEntry> docs, String source) {
        if (docs.isEmpty()) {
            throw new CorpusException(source + " holds no package/builds/doc-*.json files");
        }
        List<TarEntry> ordered = new ArrayList<>(docs);
        ordered.sort(Comparator.comparingInt(CorpusDocs::docNumber));
        List<String> out = new ArrayList<>();
        for (TarEntry doc : ordered) {
            for (String s : parse(doc, source)) {
                String line = oneLine(s);
                if (!line.isEmpty()) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** Line breaks (with the blanks around them) become one space; ends are stripped. */
    static String oneLine(String sentence) {
        return LINE_BREAK.matcher(sentence).replaceAll(" ").strip();
    }

    private static int docNumber(TarEntry e) {
        Matcher m = DOC_NAME.matcher(e.name());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a corpus document: " + e.name());
        }
        return Integer.parseInt(m.group(1));
    }

    private static List<String> parse(TarEntry doc, String source) {
        try {
            return JSON.readValue(doc.content(), new TypeReference<List<String>>() {});
        } catch (IOException e) {
            throw new CorpusException(source + ": " + doc.name() + " is not a JSON array of strings: "
                    + e.getMessage(), e);
        }
    }
}
