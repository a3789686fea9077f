package org.convnetplayground.features.dataset;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Names that come from outside - archive entries, uploaded file names, dataset and class names - and would become
 * image ids, folders or dataset ids: what makes one unusable, and how to show it without passing its tricks on.
 * Control characters and bidirectional formatting characters are refused (a right-to-left override shows
 * "photo&#x202E;gpj.exe" as "photoexe.jpg"), and so are names no file system stores.
 */
final class Names {

    /** The most bytes of one file or folder name on common file systems (ext4, XFS, Btrfs, APFS). */
    static final int MAX_SEGMENT_BYTES = 255;
    /** The most bytes (UTF-8) of an image id, i.e. its path inside the dataset. */
    static final int MAX_PATH_BYTES = 1024;
    /** Names are shown (in answers and logs) up to this many characters. */
    private static final int SHOWN = 200;

    private Names() {
    }

    /** Why {@code path} ('/'-separated) cannot name an image or folder, or null when it can. */
    static String problem(String path) {
        String character = unsafeCharacter(path);
        if (character != null) {
            return character;
        }
        int bytes = utf8Length(path);
        if (bytes > MAX_PATH_BYTES) {
            return "its name is " + bytes + " bytes long; the limit is " + MAX_PATH_BYTES + " bytes (UTF-8)";
        }
        for (String part : path.split("/")) {
            int partBytes = utf8Length(part);
            if (partBytes > MAX_SEGMENT_BYTES) {
                return "its name has a part of " + partBytes + " bytes ('" + shorten(part, 40)
                        + "'); file and folder names are limited to " + MAX_SEGMENT_BYTES + " bytes (UTF-8)";
            }
        }
        return null;
    }

    /** "its name holds U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional formatting character ...", or null. */
    static String unsafeCharacter(String name) {
        int cp = firstUnsafeCodePoint(name);
        if (cp < 0) {
            return null;
        }
        String kind = isBidiControl(cp)
                ? "a bidirectional formatting character, which makes a name display as something it is not"
                : Character.getType(cp) == Character.CONTROL ? "a control character" : "a line or paragraph separator";
        return "its name holds " + describe(cp) + ", " + kind;
    }

    /** The name as it may be shown: unusable characters as {@code <U+202E>}, long names cut with their length. */
    static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (isUnsafe(cp)) {
                out.append(String.format(Locale.ROOT, "<U+%04X>", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return shorten(out.toString(), SHOWN);
    }

    /** "U+202E (RIGHT-TO-LEFT OVERRIDE)". */
    static String describe(int cp) {
        String name = Character.getName(cp);
        return String.format(Locale.ROOT, "U+%04X", cp) + (name == null ? "" : " (" + name + ")");
    }

    private static int firstUnsafeCodePoint(String s) {
        return s.codePoints().filter(Names::isUnsafe).findFirst().orElse(-1);
    }

    private static boolean isUnsafe(int cp) {
        return Character.getType(cp) == Character.CONTROL || isBidiControl(cp)
                || cp == 0x2028 || cp == 0x2029;
    }

    /** The implicit marks (LRM, RLM, ALM), the embeddings and overrides (U+202A-202E) and the isolates (U+2066-2069). */
    private static boolean isBidiControl(int cp) {
        return cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String shorten(String s, int max) {
        int length = s.codePointCount(0, s.length());
        if (length <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max)) + "… (" + length + " characters)";
    }
}
