package io.stowage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Looks at the address a tool was given before and after a call fails, so that the message says
 * what is there: nothing at all (said at once, without retrying for seconds), or an HTTP server
 * such as Stowage's metrics port instead of the gRPC API.
 */
final class ServerProbe {
    private static final int TIMEOUT_MILLIS = 3_000;

    private ServerProbe() {}

    /** host and port of a {@code host:port} or {@code [v6]:port} target; empty for other gRPC target forms. */
    static Optional<InetSocketAddress> address(String target) {
        int colon = target.lastIndexOf(':');
        if (target.contains("/") || colon <= 0 || colon == target.length() - 1) {
            return Optional.empty();
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return Optional.of(InetSocketAddress.createUnresolved(host, Integer.parseInt(target.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Fails at once, with a message a person can act on, when nothing accepts connections at {@code target}. */
    static void requireListening(String target) {
        Optional<InetSocketAddress> address = address(target);
        if (address.isEmpty()) {
            return;
        }
        InetSocketAddress a = address.get();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), TIMEOUT_MILLIS);
        } catch (UnknownHostException e) {
            throw new ServerUnreachableException("unknown host " + a.getHostString() + " (from --server or STOWAGE_SERVER "
                    + target + ")");
        } catch (ConnectException e) {
            throw new ServerUnreachableException("nothing listens on " + target + ": is the api-server running"
                    + " ('make run', or 'bin/stowage server')? Point --server or STOWAGE_SERVER at its gRPC port (50051"
                    + " unless STOWAGE_GRPC_PORT says otherwise)");
        } catch (SocketTimeoutException e) {
            // a firewall or a slow network: let the call try, with its retries and deadline
        } catch (IOException e) {
            // the call will report it
        }
    }

    /** Whether {@code target} answers HTTP/1.1, as the metrics and health port does (the gRPC port does not). */
    static boolean answersHttp1(String target) {
        Optional<InetSocketAddress> address = address(target);
        if (address.isEmpty()) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.get().getHostString(), address.get().getPort()), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.getOutputStream().write(("HEAD /healthz HTTP/1.1\r\nHost: " + address.get().getHostString()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(5);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException e) {
            return false;
        }
    }

    /** Nothing to talk to at the configured address. Exit code 1, like any failure to reach the server. */
    static final class ServerUnreachableException extends RuntimeException {
        ServerUnreachableException(String message) {
            super(message);
        }
    }
}
