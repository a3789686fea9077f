package org.convnetplayground.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** nginx.conf as a tree of directives: name, arguments (quotes removed) and, for blocks, children. */
final class NginxConf {

    record Directive(String name, List<String> args, List<Directive> children, boolean block) {

        String arg(int i) {
            return i < args.size() ? args.get(i) : "";
        }

        List<Directive> all(String directive) {
            return children.stream().filter(d -> d.name().equals(directive)).toList();
        }

        Optional<Directive> first(String directive) {
            return children.stream().filter(d -> d.name().equals(directive)).findFirst();
        }

        /** Every directive of that name at any depth below this one. */
        List<Directive> deep(String directive) {
            List<Directive> out = new ArrayList<>();
            for (Directive c : children) {
                if (c.name().equals(directive)) {
                    out.add(c);
                }
                out.addAll(c.deep(directive));
            }
            return out;
        }
    }

    private NginxConf() {
    }

    /** The whole file as the children of a root block named "main". */
    static Directive parse(String text) {
        List<String> tokens = tokens(text);
        int[] pos = {0};
        List<Directive> children = block(tokens, pos, true);
        return new Directive("main", List.of(), children, true);
    }

    private static List<Directive> block(List<String> tokens, int[] pos, boolean top) {
        List<Directive> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        while (pos[0] < tokens.size()) {
            String t = tokens.get(pos[0]++);
            switch (t) {
                case "\u0000;" -> {
                    if (words.isEmpty()) {
                        throw new AssertionError("nginx.conf: ';' without a directive");
                    }
                    out.add(new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), List.of(), false));
                    words.clear();
                }
                case "\u0000{" -> {
                    if (words.isEmpty()) {
                        throw new AssertionError("nginx.conf: '{' without a directive");
                    }
                    List<Directive> children = block(tokens, pos, false);
                    out.add(new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), children, true));
                    words.clear();
                }
                case "\u0000}" -> {
                    if (top) {
                        throw new AssertionError("nginx.conf: unbalanced '}'");
                    }
                    if (!words.isEmpty()) {
                        throw new AssertionError("nginx.conf: directive '" + words.get(0) + "' is not terminated by ';'");
                    }
                    return out;
                }
                default -> words.add(t);
            }
        }
        if (!top) {
            throw new AssertionError("nginx.conf: a block is not closed");
        }
        if (!words.isEmpty()) {
            throw new AssertionError("nginx.conf: directive '" + words.get(0) + "' is not terminated by ';'");
        }
        return out;
    }

    /** Words, quoted strings (unquoted) and the punctuation ; { } (marked with a leading NUL). */
    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ';' || c == '{' || c == '}') {
                out.add("\u0000" + c);
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder s = new StringBuilder();
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != c) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    s.append(text.charAt(j++));
                }
                if (j >= text.length()) {
                    throw new AssertionError("nginx.conf: unterminated string starting " + text.substring(i, Math.min(text.length(), i + 40)));
                }
                out.add(s.toString());
                i = j + 1;
            } else {
                int j = i;
                while (j < text.length() && !Character.isWhitespace(text.charAt(j)) && ";{}".indexOf(text.charAt(j)) < 0) {
                    // ${var} inside a word keeps its braces
                    if (text.charAt(j) == '$' && j + 1 < text.length() && text.charAt(j + 1) == '{') {
                        int close = text.indexOf('}', j);
                        j = close < 0 ? text.length() : close + 1;
                    } else {
                        j++;
                    }
                }
                out.add(text.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
