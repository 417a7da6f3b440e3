package io.llama4j.examples.cli;

/** A wrong command line: reported as one line, exit status 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
