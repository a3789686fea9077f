package org.convnetplayground.guard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a POST that only computes an answer (a query, an embedding, a picture of a channel) and changes nothing a
 * user owns: like a GET, it needs no access token, so that colleagues who may only look can still search. Writes from
 * pages of other sites are refused all the same.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ChangesNothing {
}
