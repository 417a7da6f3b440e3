package io.llama4j.examples.cli;

import io.llama4j.LlamaException;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The llama4j command line: {@code generate}, {@code chat}, {@code tokenize} and {@code bench}. Results go to stdout, progress
 * and errors to stderr. A wrong command line or a missing file exits with 2, a model that cannot be read or run
 * with 1. {@code COMMAND --help} prints the command's usage to stdout and exits with 0.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs one command reading the process's standard input; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out, err);
    }

    /** Runs one command with {@code in} as its standard input (what {@code chat} reads); returns the exit status. */
    static int run(String[] args, BufferedReader in, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
                err.println("usage: llama4j COMMAND ...\n\n" + GenerateCommand.USAGE + "\n" + ChatCommand.USAGE
                        + "\n" + TokenizeCommand.USAGE + "\n" + BenchCommand.USAGE);
                return args.length == 0 ? 2 : 0;
            }
            if (asksForHelp(args)) {
                out.println(usage(args[0]));
                return 0;
            }
            switch (args[0]) {
                case "generate" -> GenerateCommand.run(GenerateCommand.parse(args), out, err);
                case "chat" -> ChatCommand.run(ChatCommand.parse(args), in, out, err);
                case "tokenize" -> TokenizeCommand.run(TokenizeCommand.parse(args), out);
                case "bench" -> BenchCommand.run(BenchCommand.parse(args), out, err);
                default -> throw unknownCommand(args[0]);
            }
            out.flush();
            return 0;
        } catch (UsageException e) {
            err.println("llama4j: " + e.getMessage());
            return 2;
        } catch (LlamaException | IllegalArgumentException e) {
            return fail(err, e.getMessage(), e, verbose);
        } catch (Exception e) {
            return fail(err, e.toString(), e, verbose);
        } finally {
            out.flush();
        }
    }

    private static boolean asksForHelp(String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return true;
            }
        }
        return false;
    }

    private static String usage(String command) {
        return switch (command) {
            case "generate" -> GenerateCommand.USAGE;
            case "chat" -> ChatCommand.USAGE;
            case "tokenize" -> TokenizeCommand.USAGE;
            case "bench" -> BenchCommand.USAGE;
            default -> throw unknownCommand(command);
        };
    }

    private static UsageException unknownCommand(String command) {
        return new UsageException("unknown command " + command + " (commands: generate, chat, tokenize, bench)");
    }

    private static int fail(PrintStream err, String message, Exception e, boolean verbose) {
        err.println("llama4j: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }
}
