package io.stowage.export;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The MongoDB tools against mongo-java-server: an in-process server that speaks the MongoDB wire
 * protocol (a re-implementation, not MongoDB), so the driver's real commands travel over a socket.
 */
class MongoToolsOnMongoJavaServerTest extends MongoToolsContract {
    private static MongoServer server;
    private static String uri;

    @BeforeAll
    static void startServer() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        uri = "mongodb://127.0.0.1:" + address.getPort() + "/";
    }

    @AfterAll
    static void stopServer() {
        server.shutdownNow();
    }

    @Override
    String mongoUri() {
        return uri;
    }
}
