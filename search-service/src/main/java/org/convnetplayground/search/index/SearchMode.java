package org.convnetplayground.search.index;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How a query wants its neighbours found. */
public enum SearchMode {
    /** Every row compared: the reference, under every metric. */
    EXACT,
    /** Candidates from the approximate index (HNSW), re-ranked exactly. */
    APPROXIMATE,
    /** Exact below the collection size where approximate search becomes faster, approximate above. */
    AUTO;

    /** Lower-case name, as the API spells it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(SearchMode::id).toList();
    }

    public static Optional<SearchMode> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.id().equals(key)).findFirst();
    }
}
