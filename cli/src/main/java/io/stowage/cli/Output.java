package io.stowage.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/** Writes results for people (text) or programs ({@code --json}: one JSON object per line). */
final class Output {
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
    private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

    final boolean json;
    final PrintStream out = System.out;
    final PrintStream err = System.err;

    Output(boolean json) {
        this.json = json;
    }

    /** A protobuf message as JSON: one line with every field and numbers as numbers in --json mode, indented otherwise. */
    void message(MessageOrBuilder msg) {
        out.println(json ? JsonLines.of(msg) : toJson(msg, false));
    }

    /** A line of text, only in text mode. */
    void text(String line) {
        if (!json) {
            out.println(line);
        }
    }

    /** A note for people on stderr. */
    void note(String line) {
        err.println(line);
    }

    static String toJson(MessageOrBuilder msg, boolean compact) {
        try {
            return (compact ? COMPACT : PRETTY).print(msg);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes in B, KiB, MiB, GiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
