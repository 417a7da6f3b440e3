package io.llama4j.examples.cli;

public final class Main {
    public static void main(String[] args) {
        System.err.println("not yet");
    }
}
