package org.convnetplayground.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dockerfile read the way BuildKit reads it, for what the checks need: logical lines (continuations,
 * comments), instructions, stages, and the arguments of FROM, COPY, ENV, USER, EXPOSE, RUN and CMD.
 */
final class Dockerfile {

    /** One instruction: keyword (upper case), the text after it, and its 1-based line. */
    record Instruction(String keyword, String args, int line) {
    }

    /** A build stage: its base image, its name (may be null) and its instructions. */
    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The user the stage ends with, if it sets one. */
        Optional<String> user() {
            List<Instruction> users = all("USER");
            return users.isEmpty() ? Optional.empty() : Optional.of(users.get(users.size() - 1).args().trim());
        }

        List<Integer> exposed() {
            List<Integer> ports = new ArrayList<>();
            for (Instruction i : all("EXPOSE")) {
                for (String p : i.args().trim().split("\\s+")) {
                    ports.add(Integer.parseInt(p.replaceAll("/(tcp|udp)$", "")));
                }
            }
            return ports;
        }

        /** ENV key=value pairs (both syntaxes), later ones winning. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : all("ENV")) {
                env.putAll(parseEnv(i.args()));
            }
            return env;
        }

        String workdir() {
            List<Instruction> w = all("WORKDIR");
            return w.isEmpty() ? "/" : w.get(w.size() - 1).args().trim();
        }

        /** Every RUN command of the stage, joined. */
        String runText() {
            StringBuilder b = new StringBuilder();
            all("RUN").forEach(i -> b.append(i.args()).append('\n'));
            return b.toString();
        }

        List<Copy> copies() {
            List<Copy> out = new ArrayList<>();
            for (Instruction i : instructions) {
                if (i.keyword().equals("COPY") || i.keyword().equals("ADD")) {
                    out.add(Copy.parse(i));
                }
            }
            return out;
        }

        /** CMD and ENTRYPOINT as one command line (exec form joined with spaces). */
        String command() {
            StringBuilder b = new StringBuilder();
            for (String k : List.of("ENTRYPOINT", "CMD")) {
                List<Instruction> list = all(k);
                if (!list.isEmpty()) {
                    b.append(commandText(list.get(list.size() - 1).args())).append(' ');
                }
            }
            return b.toString().trim();
        }
    }

    /** COPY/ADD: its --from stage (null for the build context), sources and destination. */
    record Copy(Instruction instruction, String from, List<String> sources, String destination) {

        static Copy parse(Instruction i) {
            List<String> words = words(i.args());
            String from = null;
            List<String> rest = new ArrayList<>();
            for (String w : words) {
                if (w.startsWith("--")) {
                    if (w.startsWith("--from=")) {
                        from = w.substring("--from=".length());
                    }
                } else {
                    rest.add(w);
                }
            }
            if (rest.size() < 2) {
                throw new AssertionError("line " + i.line() + ": " + i.keyword() + " needs a source and a destination");
            }
            return new Copy(i, from, List.copyOf(rest.subList(0, rest.size() - 1)), rest.get(rest.size() - 1));
        }
    }

    private final Path file;
    private final List<Stage> stages;

    private Dockerfile(Path file, List<Stage> stages) {
        this.file = file;
        this.stages = stages;
    }

    static Dockerfile read(Path file) {
        return parse(file, Repo.read(file));
    }

    static Dockerfile parse(Path file, String text) {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (Instruction i : instructions(text)) {
            if (i.keyword().equals("FROM")) {
                List<String> w = new ArrayList<>(words(i.args()));
                w.removeIf(s -> s.startsWith("--"));
                String name = w.size() >= 3 && w.get(1).equalsIgnoreCase("AS") ? w.get(2) : null;
                current = new ArrayList<>();
                stages.add(new Stage(w.get(0), name, current));
            } else if (current == null) {
                if (!i.keyword().equals("ARG")) {
                    throw new AssertionError(file + " line " + i.line() + ": " + i.keyword() + " before the first FROM");
                }
            } else {
                current.add(i);
            }
        }
        if (stages.isEmpty()) {
            throw new AssertionError(file + " has no FROM");
        }
        return new Dockerfile(file, stages);
    }

    Path file() {
        return file;
    }

    List<Stage> stages() {
        return stages;
    }

    /** The stage the image is made of: the last one. */
    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst();
    }

    /** Logical lines: comments and blank lines dropped, backslash continuations joined. */
    static List<Instruction> instructions(String text) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder logical = null;
        int start = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (logical == null && trimmed.isEmpty())) {
                continue; // comments may sit between continuation lines too
            }
            if (logical == null) {
                logical = new StringBuilder();
                start = n + 1;
            }
            boolean continues = line.stripTrailing().endsWith("\\");
            logical.append(continues ? line.stripTrailing().substring(0, line.stripTrailing().length() - 1) : line).append(' ');
            if (!continues) {
                String l = logical.toString().trim();
                int sp = l.indexOf(' ');
                String keyword = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
                out.add(new Instruction(keyword, sp < 0 ? "" : l.substring(sp + 1).trim(), start));
                logical = null;
            }
        }
        if (logical != null) {
            throw new AssertionError("the last instruction ends with a line continuation");
        }
        return out;
    }

    /** Words of an instruction: the JSON array form, or whitespace-separated words with simple quotes. */
    static List<String> words(String args) {
        String a = args.trim();
        if (a.startsWith("[")) {
            try {
                return Compose.JSON.readValue(a, new TypeReference<List<String>>() { });
            } catch (JsonProcessingException e) {
                // not JSON after all: shell form
            }
        }
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (Character.isWhitespace(c)) {
                if (!w.isEmpty()) {
                    out.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (!w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }

    static String commandText(String args) {
        return String.join(" ", words(args));
    }

    static Map<String, String> parseEnv(String args) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> w = words(args);
        if (!w.isEmpty() && !w.get(0).contains("=")) {
            // legacy form: ENV KEY value with spaces
            String a = args.trim();
            int sp = a.indexOf(' ');
            env.put(a.substring(0, sp), a.substring(sp + 1).trim());
            return env;
        }
        for (String pair : w) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }
}
