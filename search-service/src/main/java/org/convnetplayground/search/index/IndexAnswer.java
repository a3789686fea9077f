package org.convnetplayground.search.index;

import java.util.List;

/**
 * The neighbours of an {@link IndexQuery}.
 *
 * @param neighbours nearest first, ties by row order, undefined distances last
 * @param mode       how they were found: {@link SearchMode#EXACT} or {@link SearchMode#APPROXIMATE}
 * @param note       why the mode differs from the one asked for (a metric the approximate index cannot serve, an
 *                   index still being built), or null
 */
public record IndexAnswer(List<Neighbour> neighbours, SearchMode mode, String note) {
}
