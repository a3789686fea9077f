package org.convnetplayground.vectors;

/**
 * One search hit: a row of the searched {@link VectorMatrix} and its exact distance to the query.
 *
 * @param row      row index in the matrix
 * @param distance SciPy-exact distance; may be NaN (such hits rank last)
 */
public record ScoredRow(int row, double distance) {}
