package org.convnetplayground.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore as Docker applies it: Go filepath.Match patterns plus {@code **}, relative to the context
 * root, {@code !} for exceptions, the last matching pattern deciding; a pattern that matches a directory
 * leaves out everything under it.
 */
final class DockerIgnore {

    private record Rule(Pattern pattern, boolean exception, String text) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    /** The context's .dockerignore, or one that ignores nothing. */
    static DockerIgnore of(Path context) {
        Path file = context.resolve(".dockerignore");
        return Files.isRegularFile(file) ? parse(Repo.read(file)) : new DockerIgnore(List.of());
    }

    static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            String p = line.trim();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean exception = p.startsWith("!");
            if (exception) {
                p = p.substring(1).trim();
            }
            p = p.replace('\\', '/').replaceAll("/+", "/");
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/") && p.length() > 1) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.startsWith("./")) {
                p = p.substring(2);
            }
            rules.add(new Rule(Pattern.compile(toRegex(p)), exception, line.trim()));
        }
        return new DockerIgnore(rules);
    }

    /** Whether a path (relative to the context, '/'-separated) is left out of the build context. */
    boolean ignores(String relativePath) {
        String path = relativePath.replace('\\', '/');
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        if (path.isEmpty() || path.equals(".")) {
            return false;
        }
        boolean ignored = false;
        for (Rule r : rules) {
            if (matchesOrParentMatches(r.pattern(), path)) {
                ignored = !r.exception();
            }
        }
        return ignored;
    }

    /** The pattern that leaves the path out, for messages. */
    String ruleFor(String relativePath) {
        String found = null;
        for (Rule r : rules) {
            if (matchesOrParentMatches(r.pattern(), relativePath)) {
                found = r.exception() ? null : r.text();
            }
        }
        return found;
    }

    private static boolean matchesOrParentMatches(Pattern p, String path) {
        if (p.matcher(path).matches()) {
            return true;
        }
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
            if (p.matcher(path.substring(0, i)).matches()) {
                return true;
            }
        }
        return false;
    }

    static String toRegex(String glob) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                    r.append(slashAfter ? "(?:.*/)?" : ".*");
                    i += slashAfter ? 2 : 1;
                } else {
                    r.append("[^/]*");
                }
            } else if (c == '?') {
                r.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 1);
                if (end < 0) {
                    r.append("\\[");
                } else {
                    String cls = glob.substring(i + 1, end);
                    r.append('[').append(cls.startsWith("^") || cls.startsWith("!") ? "^" + cls.substring(1) : cls).append(']');
                    i = end;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                r.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return r.toString();
    }
}
