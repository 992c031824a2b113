package dev.cortado.image.registry;

import dev.cortado.image.reference.ImageReference;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The daemon's one client of OCI distribution registries: HTTP connections, TLS trust and the
 * bearer token cache, shared by every pull. Thread-safe. Close it to stop its threads.
 */
public final class RegistryClient implements AutoCloseable {

    private final RegistryConfig config;
    private final HttpTransport http;
    private final RetryPolicy retry;
    private final TokenCache tokens = new TokenCache();
    private final TokenFetcher fetcher;
    private final EndpointPlanner planner;

    /** Trusts the system CA bundle (/etc/ssl/certs/ca-certificates.crt), else the JDK's CAs. */
    public RegistryClient(RegistryConfig config) {
        this(config, TlsContexts.SYSTEM_BUNDLE);
    }

    /** @param caBundle a PEM file of trusted CAs; when it does not exist, the JDK's CAs are trusted */
    public RegistryClient(RegistryConfig config, Path caBundle) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = new HttpTransport(config, caBundle);
        this.retry = new RetryPolicy(config);
        this.fetcher = new TokenFetcher(http, retry);
        this.planner = new EndpointPlanner(config);
    }

    public RegistryConfig config() {
        return config;
    }

    /**
     * A session for reading one repository.
     *
     * @param credentials the pull's credentials (from the CRI), used for the registry itself only;
     *                    anonymous falls back to the registry's static credentials from the config
     */
    public RegistrySession session(ImageReference ref, Credentials credentials) {
        Objects.requireNonNull(ref, "ref");
        Credentials pullCredentials = credentials == null ? Credentials.anonymous() : credentials;
        Authenticator auth = new Authenticator(tokens, fetcher, ref.path());
        RequestRunner runner = new RequestRunner(http, retry, auth, ref.domain());
        return new RegistrySession(ref, planner.plan(ref, pullCredentials), runner, retry, config);
    }

    @Override
    public void close() {
        http.close();
    }
}
