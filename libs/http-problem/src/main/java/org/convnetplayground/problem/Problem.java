package org.convnetplayground.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * RFC 9457 problem details: the one error body every service answers with.
 *
 * <p>{@code detail} is written for a person and names the bad value and the valid choices;
 * {@code parameter}, {@code value} and {@code choices} repeat them for programs.
 *
 * @param type       a URI naming the kind of problem ({@code about:blank} when the status says it all)
 * @param title      short summary of the kind of problem
 * @param status     the HTTP status code
 * @param detail     what went wrong with this request, naming the bad value
 * @param instance   the request path that failed
 * @param parameter  the request parameter that was wrong, when one was
 * @param value      the rejected value, when there was one
 * @param choices    the valid values, when they can be listed
 * @param choicesUrl where the full list of valid values can be fetched, when there is one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        String parameter,
        String value,
        List<String> choices,
        String choicesUrl) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, parameter, value, choices, choicesUrl);
    }
}
