package io.llama4j.examples.cli;

import io.llama4j.LlamaException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The llama4j command line: {@code generate} and {@code tokenize}. Results go to stdout, progress and errors
 * to stderr. A wrong command line or a missing file exits with 2, a model that cannot be read or run with 1.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs one command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
                err.println("usage: llama4j COMMAND ...\n\n" + GenerateCommand.USAGE + "\n" + TokenizeCommand.USAGE);
                return args.length == 0 ? 2 : 0;
            }
            switch (args[0]) {
                case "generate" -> GenerateCommand.run(GenerateCommand.parse(args), out, err);
                case "tokenize" -> TokenizeCommand.run(TokenizeCommand.parse(args), out);
                default -> throw new UsageException("unknown command " + args[0] + " (commands: generate, tokenize)");
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

    private static int fail(PrintStream err, String message, Exception e, boolean verbose) {
        err.println("llama4j: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }
}
