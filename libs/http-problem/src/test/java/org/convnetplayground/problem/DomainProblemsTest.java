package org.convnetplayground.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.convnetplayground.errors.ConflictException;
import org.convnetplayground.errors.ForbiddenException;
import org.convnetplayground.errors.GoneException;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.TooLargeException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.errors.UpstreamFailureException;
import org.convnetplayground.errors.VerificationFailedException;
import org.junit.jupiter.api.Test;

class DomainProblemsTest {

    @Test
    void everySortOfFailureHasItsStatus() {
        assertEquals(400, DomainProblems.statusOf(InvalidInputException.of("x")));
        assertEquals(403, DomainProblems.statusOf(ForbiddenException.of("x")));
        assertEquals(404, DomainProblems.statusOf(UnknownNameException.notFound("x")));
        assertEquals(409, DomainProblems.statusOf(ConflictException.of("x")));
        assertEquals(410, DomainProblems.statusOf(GoneException.of("x")));
        assertEquals(413, DomainProblems.statusOf(TooLargeException.of("x")));
        assertEquals(422, DomainProblems.statusOf(VerificationFailedException.of("x")));
        assertEquals(500, DomainProblems.statusOf(InternalFailureException.of("x")));
        assertEquals(502, DomainProblems.statusOf(UpstreamFailureException.of("x")));
        assertEquals(503, DomainProblems.statusOf(UnavailableException.of("x")));
    }

    @Test
    void theProblemCarriesWhatProgramsRead() {
        Problem p = DomainProblems.problemOf(UnknownNameException.unknown("model", "m", null, List.of("a"), "/api/m"));
        assertEquals(new Problem("about:blank", "Unknown model", 404, "unknown model 'm'; expected one of [a] (list them "
                + "at /api/m)", null, "model", "m", List.of("a"), "/api/m"), p);
    }
}
