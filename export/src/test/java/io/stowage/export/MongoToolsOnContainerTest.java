package io.stowage.export;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The MongoDB tools against a real MongoDB in a container: what mongo-java-server cannot vouch
 * for (the server's own query planner, BSON validation, bulk-write semantics). Runs where a Docker
 * engine answers; skipped elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoToolsOnContainerTest extends MongoToolsContract {
    private static MongoDBContainer mongo;

    @BeforeAll
    static void startMongo() {
        mongo = new MongoDBContainer("mongo:7.0");
        mongo.start();
    }

    @AfterAll
    static void stopMongo() {
        if (mongo != null) {
            mongo.stop();
        }
    }

    @Override
    String mongoUri() {
        String uri = mongo.getConnectionString();
        return uri.endsWith("/") ? uri : uri + "/";
    }
}
