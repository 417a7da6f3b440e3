package io.llama4j.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --switch} flags of one command, checked against the command's known flags. */
final class Flags {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    /** Every value of each flag, for the flags that may repeat ({@code --stop A --stop B}). */
    private final Map<String, java.util.List<String>> repeated = new LinkedHashMap<>();

    private Flags(String command) {
        this.command = command;
    }

    static Flags parse(String command, String[] args, int from, Set<String> valued, Set<String> switches) {
        Flags flags = new Flags(command);
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (switches.contains(arg)) {
                flags.values.put(arg, "true");
            } else if (valued.contains(arg)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(command + ": " + arg + " needs a value");
                }
                flags.values.put(arg, args[++i]);
                flags.repeated.computeIfAbsent(arg, k -> new java.util.ArrayList<>()).add(args[i]);
            } else {
                throw new UsageException(command + ": unknown argument " + arg);
            }
        }
        return flags;
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    /** All values given for {@code flag}, in order; empty when absent. */
    java.util.List<String> strings(String flag) {
        return repeated.getOrDefault(flag, java.util.List.of());
    }

    String string(String flag) {
        return values.get(flag);
    }

    String required(String flag) {
        String v = values.get(flag);
        if (v == null) {
            throw new UsageException(command + ": " + flag + " is required");
        }
        return v;
    }

    int integer(String flag, int fallback) {
        String v = values.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + flag + " expects an integer, got \"" + v + "\"");
        }
    }

    long longValue(String flag, long fallback) {
        String v = values.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + flag + " expects an integer, got \"" + v + "\"");
        }
    }

    float real(String flag, float fallback) {
        String v = values.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + flag + " expects a number, got \"" + v + "\"");
        }
    }

    /** A comma-separated list of token ids such as {@code 128000,791,6864}. */
    int[] ids(String flag) {
        String v = values.get(flag);
        if (v == null) {
            return null;
        }
        String[] parts = v.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(command + ": " + flag + " expects comma-separated token ids, got \"" + v + "\"");
            }
        }
        return ids;
    }

    /** A path that must exist. */
    Path existingFile(String flag) {
        Path p = Path.of(required(flag));
        if (!Files.exists(p)) {
            throw new UsageException(command + ": " + flag + ": no such file: " + p);
        }
        return p;
    }
}
