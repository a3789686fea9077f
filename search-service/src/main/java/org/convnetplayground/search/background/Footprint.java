package org.convnetplayground.search.background;

import java.util.Collection;

/**
 * Estimated heap bytes of the results kept in memory, for the byte budgets of the result caches. The figures are
 * those of a 64-bit JVM with compressed references (12-byte object headers, 4-byte references, 8-byte alignment),
 * rounded up; strings are counted even where they are shared with a loaded collection, since the collection may be
 * dropped from memory while the result is kept.
 */
public final class Footprint {

    /** An object with a few fields: header, fields, padding. */
    public static final long OBJECT = 32;
    /** A boxed number. */
    public static final long BOXED = 16;
    /** A hash map entry with its share of the table. */
    public static final long MAP_ENTRY = 48;

    private Footprint() {
    }

    /** A string: its object (24 bytes) and its byte array (16 + one byte per Latin-1 character, two else). */
    public static long string(String s) {
        if (s == null) {
            return 0;
        }
        boolean latin1 = true;
        for (int i = 0; i < s.length() && latin1; i++) {
            latin1 = s.charAt(i) < 256;
        }
        return 24 + align(16 + (long) s.length() * (latin1 ? 1 : 2));
    }

    /** A list's own bytes (the object and its array of references), not its elements'. */
    public static long list(Collection<?> list) {
        return 24 + align(16 + 4L * list.size());
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
