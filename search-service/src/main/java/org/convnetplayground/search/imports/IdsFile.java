package org.convnetplayground.search.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.search.collection.CollectionMeta;

/**
 * The ids file of an import: UTF-8 text, one line per vector row, {@code id<TAB>label} (the label may be left out).
 * Ids must be unique, non-empty, at most {@value #MAX_ID} characters, free of control characters.
 */
public final class IdsFile {

    static final int MAX_ID = org.convnetplayground.search.query.QueryService.MAX_ID;
    static final String EXPECTED = "a UTF-8 text file of one line per vector, id<TAB>label, ids unique";

    private IdsFile() {
    }

    /**
     * Reads the items of {@code file}, which must have {@code rows} lines.
     *
     * @throws InvalidInputException naming the line at fault
     */
    public static List<CollectionMeta.Item> read(Path file, long rows) throws IOException {
        List<CollectionMeta.Item> items = new ArrayList<>((int) Math.min(rows, 1 << 20));
        Map<String, Integer> seen = new HashMap<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder),
                1 << 16)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (number > rows) {
                    if (line.isEmpty() && in.readLine() == null) {
                        break;
                    }
                    throw invalid("it has more lines than the " + rows + " vectors");
                }
                int tab = line.indexOf('\t');
                String id = tab < 0 ? line : line.substring(0, tab);
                String label = tab < 0 ? null : line.substring(tab + 1);
                if (label != null && label.isEmpty()) {
                    label = null;
                }
                check(id, "id", number);
                if (label != null) {
                    check(label, "label", number);
                }
                Integer before = seen.put(id, number);
                if (before != null) {
                    throw invalid("id '" + shorten(id) + "' is on line " + before + " and again on line " + number);
                }
                items.add(new CollectionMeta.Item(id, label));
            }
        } catch (CharacterCodingException | java.io.UncheckedIOException e) {
            throw invalid("it is not UTF-8 text");
        }
        if (items.size() != rows) {
            throw invalid("it has " + items.size() + " lines for " + rows + " vectors");
        }
        return items;
    }

    private static void check(String value, String what, int line) {
        if (what.equals("id") && value.isEmpty()) {
            throw invalid("line " + line + " has an empty id");
        }
        if (value.length() > MAX_ID) {
            throw invalid("the " + what + " on line " + line + " has " + value.length() + " characters, more than "
                    + MAX_ID);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u202e' || c == '\u202d') {
                throw invalid("the " + what + " on line " + line + " holds a control character (U+"
                        + String.format("%04X", (int) c) + ")");
            }
        }
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    static InvalidInputException invalid(String why) {
        return InvalidInputException.invalid("ids", why, EXPECTED);
    }
}
