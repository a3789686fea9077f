package org.convnetplayground.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PathProblemsTest {

    @Test
    void findsDotSegmentsHoweverTheyAreWritten() {
        assertEquals("..", PathProblems.dotSegment("/api/catalog/../../q/metrics"));
        assertEquals("%2e%2E", PathProblems.dotSegment("/api/catalog/%2e%2E/q/metrics"));
        assertEquals(".%2e", PathProblems.dotSegment("/api/x/.%2e"));
        assertEquals("..%2f..", PathProblems.dotSegment("/api/x/..%2f../q"));
        assertEquals("a%5C..", PathProblems.dotSegment("/api/x/a%5C../q"));
        assertEquals(".", PathProblems.dotSegment("/api/./x"));
    }

    @Test
    void leavesNamesWithDotsAlone() {
        assertNull(PathProblems.dotSegment("/api/features/datasets/my.data/images/a..b/c.jpg"));
        assertNull(PathProblems.dotSegment("/api/search/collections/x/v1..2/...")); // '...' is a name
        assertNull(PathProblems.dotSegment("/"));
        assertNull(PathProblems.dotSegment("/api/x/%zz"));
    }

    @Test
    void clipsLongPaths() {
        String clipped = PathProblems.clip("/" + "x".repeat(1000));
        assertEquals(200 + "… (1001 characters)".length(), clipped.length());
    }
}
