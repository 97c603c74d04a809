package io.stowage.common.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a client (the ingest worker, the {@code stowage} tools) reaches the api-server: its address,
 * a bearer token, and TLS. Declared once, for every command that calls the server.
 *
 * @param tls whether to use TLS; implied by a CA file or a client certificate
 * @param caFile PEM certificates to trust instead of the system's
 * @param certFile PEM client certificate, for mutual TLS
 * @param keyFile PEM client private key, for mutual TLS
 */
public record ClientSettings(String server, Optional<String> token, boolean tls, Optional<Path> caFile,
        Optional<Path> certFile, Optional<Path> keyFile) {

    public static final Setting<String> SERVER = Setting.of("STOWAGE_SERVER", "localhost:50051",
            "host:port of the Stowage api-server (a URL such as http://host:50051 works too; https:// means TLS).",
            Values::string);
    public static final Setting<String> TOKEN = Setting.secret("STOWAGE_TOKEN",
            "Bearer token sent to the api-server when it requires one.", Values::string);
    public static final Setting<Boolean> TLS = Setting.of("STOWAGE_TLS", "false",
            "Call the api-server over TLS, trusting the system's certificate authorities (or STOWAGE_TLS_CA).",
            Values::bool);
    public static final Setting<Path> TLS_CA = Setting.of("STOWAGE_TLS_CA", null,
            "PEM file of the certificate authorities to trust for the api-server's certificate; implies TLS.",
            Values::path);
    public static final Setting<Path> TLS_CLIENT_CERT = Setting.of("STOWAGE_TLS_CLIENT_CERT", null,
            "PEM client certificate, for servers that require mutual TLS; implies TLS.", Values::path);
    public static final Setting<Path> TLS_CLIENT_KEY = Setting.of("STOWAGE_TLS_CLIENT_KEY", null,
            "PEM private key of the client certificate.", Values::path);

    public static final List<Setting<?>> SETTINGS = List.of(SERVER, TOKEN, TLS, TLS_CA, TLS_CLIENT_CERT,
            TLS_CLIENT_KEY);

    public static ClientSettings from(SettingsSource src) {
        Optional<Path> ca = src.find(TLS_CA);
        Optional<Path> cert = src.find(TLS_CLIENT_CERT);
        Optional<Path> key = src.find(TLS_CLIENT_KEY);
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException("STOWAGE_TLS_CLIENT_CERT and STOWAGE_TLS_CLIENT_KEY go together: set both or"
                    + " neither");
        }
        String server = src.get(SERVER).strip();
        boolean https = startsWithIgnoreCase(server, "https://");
        boolean tls = src.get(TLS) || ca.isPresent() || cert.isPresent() || https;
        return new ClientSettings(hostAndPort(server), src.find(TOKEN).filter(t -> !t.isBlank()), tls, ca, cert, key);
    }

    /**
     * host:port of an address given as a URL, as the buf curl examples write it ({@code http://localhost:50051/}):
     * the scheme and any path are dropped. Other forms (host:port, gRPC targets such as dns:///host:port)
     * stay as they are.
     */
    static String hostAndPort(String server) {
        for (String scheme : new String[] {"http://", "https://"}) {
            if (startsWithIgnoreCase(server, scheme)) {
                String rest = server.substring(scheme.length());
                int slash = rest.indexOf('/');
                String hostPort = slash < 0 ? rest : rest.substring(0, slash);
                boolean hasPort = hostPort.lastIndexOf(':') > hostPort.lastIndexOf(']');
                return hasPort ? hostPort : hostPort + (scheme.equals("https://") ? ":443" : ":80");
            }
        }
        return server;
    }

    private static boolean startsWithIgnoreCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** The same settings for another server address. */
    public ClientSettings withServer(String address) {
        return new ClientSettings(address, token, tls, caFile, certFile, keyFile);
    }
}
