package io.stowage.cli;

import io.stowage.common.config.ConfigException;
import io.stowage.common.config.Setting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before anything starts, that the ports a command will listen on are free, so that a
 * second {@code stowage dev} says which port is taken and which setting moves it, instead of
 * failing deep inside Kafka with pages of stack traces.
 */
final class Ports {
    private record Taken(int port, Setting<?> setting) {}

    private final List<Taken> taken = new ArrayList<>();

    /** Notes {@code port} on {@code host} as taken when it cannot be bound now; 0 (any free port) is never taken. */
    Ports check(String host, int port, Setting<?> setting) {
        if (port == 0) {
            return this;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            taken.add(new Taken(port, setting));
        }
        return this;
    }

    /** Fails, naming every taken port and the setting that moves it. */
    void requireFree(String what, String command) {
        if (taken.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder();
        for (Taken t : taken) {
            m.append(m.isEmpty() ? "" : "; ").append("port ").append(t.port()).append(" is taken (").append(t.setting().env())
                    .append(" or ").append(t.setting().flag()).append(" moves it)");
        }
        StringBuilder moved = new StringBuilder();
        for (Taken t : taken) {
            int other = t.port() + 10_000 <= 65_535 ? t.port() + 10_000 : t.port() - 10_000;
            moved.append(t.setting().env()).append('=').append(other).append(' ');
        }
        throw new ConfigException(m + ". Is another " + what + " or another program running? Stop it, or move the"
                + (taken.size() == 1 ? " port" : " ports") + ", e.g. " + moved + command);
    }
}
