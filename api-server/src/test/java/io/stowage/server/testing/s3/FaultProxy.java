package io.stowage.server.testing.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile network between Stowage and an S3 server: an HTTP/1.1 proxy that relays requests one
 * per connection and, when told, damages them: flips a byte of a PUT body, truncates it, answers
 * 500 or 503 itself, drops the connection in the middle of a body, delays, flips a byte of a GET
 * answer, or rewrites the ETag the store answered. It records the head of every request, so a
 * test can show what the SDK really sends.
 */
public final class FaultProxy implements AutoCloseable {
    public enum Fault {
        /** Flip one byte in the middle of an object PUT's body; the headers are unchanged. */
        FLIP_PUT_BODY,
        /** Send only the first half of an object PUT's body, with a Content-Length to match. */
        TRUNCATE_PUT_BODY,
        /** Answer an object PUT with 500 InternalError, without passing it on. */
        ANSWER_500,
        /** Answer an object PUT with 503 SlowDown, without passing it on. */
        ANSWER_503,
        /** Read half of an object PUT's body, then close the connection without an answer. */
        DROP_MID_BODY,
        /** Hold an object PUT for a while, then pass it on. */
        DELAY,
        /** Flip one byte in the body of the answer to an object GET. */
        FLIP_GET_BODY,
        /** Replace the ETag in the answer to an object PUT, as a store whose ETag is no MD5 would. */
        OTHER_ETAG,
        /**
         * Replace the ETag and every x-amz-checksum-* value in the answer to an object PUT: whatever
         * proves the write, the store answers another value.
         */
        OTHER_PROOF,
        /**
         * Answer an object PUT that carries an x-amz-checksum-* header with 400 InvalidArgument naming
         * the header, as a store that does not support additional checksums may; PUTs without one pass.
         */
        REFUSE_CHECKSUM_HEADER,
        /** Answer such a PUT with 501 NotImplemented, as S3 answers a header of functionality it lacks. */
        NOT_IMPLEMENTED_CHECKSUM_HEADER,
        /** Answer an object PUT with 400 InvalidArgument that has nothing to do with checksums. */
        ANSWER_400,
        /** Answer an object HEAD (a size look-up) with 500 InternalError, without passing it on. */
        ANSWER_500_TO_HEAD
    }

    /** What the client sent: the request line and headers, and the first bytes of the body. */
    public record Request(String method, String path, List<String> headers, String bodyStart) {
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst().orElse(null);
        }
    }

    static final Duration DELAY = Duration.ofSeconds(2);

    private final ServerSocket server;
    private final URI upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile Fault fault;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger skipping = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    private FaultProxy(ServerSocket server, URI upstream) {
        this.server = server;
        this.upstream = upstream;
        threads.execute(this::acceptLoop);
    }

    public static FaultProxy start(URI upstream) {
        try {
            return new FaultProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstream);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the fault proxy's port", e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Damages the next {@code times} requests that {@code f} applies to. */
    public void inject(Fault f, int times) {
        injectAfter(f, 0, times);
    }

    /** Lets {@code skip} requests that {@code f} applies to pass, then damages the next {@code times}. */
    public void injectAfter(Fault f, int skip, int times) {
        remaining.set(0);
        skipping.set(skip);
        injected.set(0);
        fault = f;
        remaining.set(times);
    }

    /** Damages every request that {@code f} applies to, until {@link #heal()}. */
    public void injectAlways(Fault f) {
        inject(f, Integer.MAX_VALUE);
    }

    public void heal() {
        remaining.set(0);
    }

    /** How many requests were damaged since the last {@link #inject}. */
    public int injected() {
        return injected.get();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream()) {
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] line = head.get(0).split(" ");
            String method = line[0];
            String path = line[1];
            List<String> headers = new ArrayList<>(head.subList(1, head.size()));
            Request request = new Request(method, path, List.copyOf(headers), "");
            if ("100-continue".equalsIgnoreCase(request.header("expect"))) {
                // answer for the store, so that the client sends its body at once
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            String length = request.header("content-length");
            int bodyLength = length == null ? 0 : Integer.parseInt(length);
            boolean objectPut = method.equals("PUT") && isObjectPath(path) && bodyLength > 0;
            boolean objectGet = method.equals("GET") && isObjectPath(path);
            boolean objectHead = method.equals("HEAD") && isObjectPath(path);
            Fault f = fault;
            boolean damage = f != null && appliesTo(f, objectPut, objectGet, objectHead, request) && remaining.get() > 0
                    && skipping.getAndDecrement() <= 0 && remaining.getAndDecrement() > 0;
            if (damage) {
                injected.incrementAndGet();
            }
            if (damage && f == Fault.DROP_MID_BODY) {
                in.readNBytes(bodyLength / 2);
                requests.add(request);
                client.setSoLinger(true, 0); // a reset, as a crashed peer or a broken link gives
                return;
            }
            byte[] body = in.readNBytes(bodyLength);
            requests.add(new Request(method, path, request.headers(),
                    new String(body, 0, Math.min(body.length, 48), StandardCharsets.ISO_8859_1)));
            if (damage && (f == Fault.ANSWER_500 || f == Fault.ANSWER_500_TO_HEAD)) {
                answerError(out, 500, "Internal Server Error", "InternalError", "injected by the fault proxy");
                return;
            }
            if (damage && f == Fault.ANSWER_400) {
                answerError(out, 400, "Bad Request", "InvalidArgument", "injected by the fault proxy");
                return;
            }
            if (damage && f == Fault.ANSWER_503) {
                answerError(out, 503, "Service Unavailable", "SlowDown", "injected by the fault proxy");
                return;
            }
            if (damage && f == Fault.REFUSE_CHECKSUM_HEADER) {
                answerError(out, 400, "Bad Request", "InvalidArgument", "x-amz-checksum-crc32c is not supported");
                return;
            }
            if (damage && f == Fault.NOT_IMPLEMENTED_CHECKSUM_HEADER) {
                answerError(out, 501, "Not Implemented", "NotImplemented",
                        "A header you provided implies functionality that is not implemented");
                return;
            }
            if (damage && f == Fault.DELAY) {
                sleep(DELAY);
            }
            if (damage && f == Fault.FLIP_PUT_BODY) {
                body[body.length / 2] ^= 0x01;
            }
            if (damage && f == Fault.TRUNCATE_PUT_BODY) {
                body = java.util.Arrays.copyOf(body, body.length / 2);
            }
            relay(method, path, headers, body, out, damage ? f : null);
        } catch (IOException e) {
            // the client went away: nothing to relay
        }
    }

    private static boolean appliesTo(Fault f, boolean objectPut, boolean objectGet, boolean objectHead,
            Request request) {
        if (f == Fault.ANSWER_500_TO_HEAD) {
            return objectHead;
        }
        if (f == Fault.REFUSE_CHECKSUM_HEADER || f == Fault.NOT_IMPLEMENTED_CHECKSUM_HEADER) {
            return objectPut && request.headers().stream()
                    .anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("x-amz-checksum-"));
        }
        return f == Fault.FLIP_GET_BODY ? objectGet : objectPut;
    }

    /** Path-style {@code /bucket/key...}: an object, not a bucket. */
    private static boolean isObjectPath(String path) {
        String p = path.split("\\?", 2)[0];
        return p.indexOf('/', 1) > 0 && p.indexOf('/', 1) < p.length() - 1;
    }

    private void relay(String method, String path, List<String> headers, byte[] body, OutputStream out, Fault f)
            throws IOException {
        try (Socket up = new Socket(upstream.getHost(), upstream.getPort());
                InputStream upIn = new BufferedInputStream(up.getInputStream());
                OutputStream upOut = up.getOutputStream()) {
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (String h : headers) {
                String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (name.equals("connection") || name.equals("expect")) {
                    continue;
                }
                if (name.equals("content-length")) {
                    h = "Content-Length: " + body.length;
                }
                head.append(h).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            upOut.write(body);
            upOut.flush();

            List<String> answer = readHead(upIn);
            byte[] rest = upIn.readAllBytes();
            StringBuilder back = new StringBuilder(answer.get(0)).append("\r\n");
            for (String h : answer.subList(1, answer.size())) {
                String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (name.equals("connection")) {
                    continue;
                }
                if (name.equals("etag") && (f == Fault.OTHER_ETAG || f == Fault.OTHER_PROOF)) {
                    h = "ETag: \"0123456789abcdef0123456789abcdef-1\"";
                }
                if (name.startsWith("x-amz-checksum-") && !name.equals("x-amz-checksum-type") && f == Fault.OTHER_PROOF) {
                    h = h.substring(0, h.indexOf(':')) + ": AAAAAA==";
                }
                back.append(h).append("\r\n");
            }
            back.append("Connection: close\r\n\r\n");
            if (f == Fault.FLIP_GET_BODY && rest.length > 0) {
                rest[rest.length / 2] ^= 0x01;
            }
            out.write(back.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(rest);
            out.flush();
        }
    }

    private static void answerError(OutputStream out, int status, String reason, String code, String message)
            throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message></Error>";
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason
                + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** The request or status line and the headers, up to the empty line; empty at end of stream. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue;
                    }
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return lines;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
