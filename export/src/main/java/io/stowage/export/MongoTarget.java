package io.stowage.export;

import com.mongodb.ConnectionString;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.stowage.common.config.ConfigException;
import org.bson.BsonDocument;

/** A MongoDB collection named by a connection string whose path is {@code database.collection}. */
record MongoTarget(ConnectionString connection, String database, String collection) {

    static MongoTarget parse(String uri) {
        ConnectionString cs;
        try {
            cs = new ConnectionString(uri);
        } catch (IllegalArgumentException | MongoException e) {
            throw new ConfigException("'" + redact(uri) + "' is not a MongoDB connection string: " + e.getMessage());
        }
        if (cs.getDatabase() == null || cs.getCollection() == null) {
            throw new ConfigException("'" + redact(uri) + "' names no collection: end the path with /database.collection,"
                    + " e.g. mongodb://localhost:27017/archive.messages");
        }
        return new MongoTarget(cs, cs.getDatabase(), cs.getCollection());
    }

    MongoClient open() {
        return MongoClients.create(connection);
    }

    MongoCollection<BsonDocument> collection(MongoClient client) {
        return client.getDatabase(database).getCollection(collection, BsonDocument.class);
    }

    /** For messages: the hosts and the collection, never the credentials. */
    String describe() {
        return String.join(",", connection.getHosts()) + "/" + database + "." + collection;
    }

    private static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}
