package io.stowage.cli;

import io.stowage.client.StowageClient;
import io.stowage.common.config.ClientSettings;

/** A {@link StowageClient} set up as {@link ClientSettings} say: address, token and TLS. */
final class ClientOptions {
    private ClientOptions() {}

    static StowageClient.Builder builder(ClientSettings s) {
        StowageClient.Builder b = StowageClient.builder(s.server()).token(s.token().orElse(null));
        return s.tls() ? b.tls(s.caFile().orElse(null), s.certFile().orElse(null), s.keyFile().orElse(null)) : b;
    }
}
