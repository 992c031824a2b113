package dev.cortado.hack.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A real Debian {@code docker-registry} (distribution 2.8) on 127.0.0.1 with a free port, filesystem
 * storage in a fresh temp directory, deletes enabled, and optionally Basic or token authentication.
 * {@link #close()} kills it and removes the directory; a JVM shutdown hook kills it if a test forgets.
 */
public final class LocalRegistry implements AutoCloseable {
    /** The {@code service} (token audience) a token-auth registry is configured with. */
    public static final String TOKEN_SERVICE = "cortado-local-registry";
    /** The {@code issuer} a token-auth registry trusts. */
    public static final String TOKEN_ISSUER = "cortado-test-token-issuer";
    private static final long TOKEN_LIFETIME_SECONDS = 300;
    private static final int START_ATTEMPTS = 5;
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private final Path workDir;
    private final Path storageDir;
    private final Path logFile;
    private final int port;
    private final AuthMode authMode;
    private final Credentials credentials;
    private final TokenServer tokenServer;
    private final RegistryProcess process;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalRegistry(Path workDir, int port, AuthMode authMode, Credentials credentials,
                          TokenServer tokenServer, RegistryProcess process) {
        this.workDir = workDir;
        this.storageDir = workDir.resolve("storage");
        this.logFile = workDir.resolve("registry.log");
        this.port = port;
        this.authMode = authMode;
        this.credentials = credentials;
        this.tokenServer = tokenServer;
        this.process = process;
        this.shutdownHook = new Thread(this::stopQuietly, "local-registry-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A registry anyone may pull from and push to. */
    public static LocalRegistry start() {
        return start(RegistryOptions.plain());
    }

    /** A registry that demands HTTP Basic credentials (bcrypt htpasswd) for every request. */
    public static LocalRegistry startWithBasicAuth(String username, String password) {
        return start(RegistryOptions.basicAuth(username, password));
    }

    /** A registry using Docker token auth; anonymous token requests are refused. */
    public static LocalRegistry startWithTokenAuth(String username, String password) {
        return startWithTokenAuth(username, password, false);
    }

    /**
     * A registry using Docker token auth. With {@code allowAnonymousPull} the token server also
     * hands anonymous clients tokens limited to {@code pull}.
     */
    public static LocalRegistry startWithTokenAuth(String username, String password, boolean allowAnonymousPull) {
        return start(RegistryOptions.tokenAuth(username, password).withAnonymousPull(allowAnonymousPull));
    }

    /** A registry configured by {@code options}. */
    public static LocalRegistry start(RegistryOptions options) {
        AuthMode mode = options.authMode();
        Credentials credentials = options.credentials();
        Path workDir = TempDirs.create("cortado-registry-");
        TokenServer tokenServer = null;
        try {
            Files.createDirectories(workDir.resolve("storage"));
            RegistryConfigFile.AuthSection auth = new RegistryConfigFile.NoAuth();
            if (mode == AuthMode.BASIC) {
                auth = new RegistryConfigFile.HtpasswdAuth(Htpasswd.write(workDir.resolve("htpasswd"), credentials));
            } else if (mode == AuthMode.TOKEN) {
                SigningKey key = SigningKey.generate(workDir);
                TokenIssuer issuer = new TokenIssuer(key, TOKEN_ISSUER, TOKEN_SERVICE, TOKEN_LIFETIME_SECONDS,
                        Clock.systemUTC());
                tokenServer = TokenServer.start(issuer, credentials, options.anonymousPull(), TOKEN_SERVICE);
                auth = new RegistryConfigFile.TokenAuth(tokenServer.realm(), TOKEN_SERVICE, TOKEN_ISSUER,
                        key.certificateFile());
            }
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                Path config = new RegistryConfigFile(workDir.resolve("storage"), port, auth, options.schema1())
                        .writeTo(workDir.resolve("config.yml"));
                try {
                    RegistryProcess process = RegistryProcess.start(config, workDir.resolve("registry.log"),
                            URI.create("http://127.0.0.1:" + port));
                    return new LocalRegistry(workDir, port, mode, credentials, tokenServer, process);
                } catch (RegistryProcess.StartFailure e) {
                    if (!e.portTaken() || attempt == START_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (tokenServer != null) {
                tokenServer.close();
            }
            deleteQuietly(workDir);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot prepare registry directory " + workDir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** {@code 127.0.0.1:NNNN}, the registry part of image references pushed here. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:NNNN}. */
    public URI baseUri() {
        return URI.create("http://" + hostPort());
    }

    public int port() {
        return port;
    }

    /** The filesystem driver's root directory (holds {@code docker/registry/v2/...}). */
    public Path storageDir() {
        return storageDir;
    }

    /** The registry's combined stdout/stderr, for diagnosing a failed test. */
    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the registry's log, to put in a failing test's message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(registry log " + logFile + " unreadable: " + e.getMessage() + ")";
        }
    }

    public AuthMode authMode() {
        return authMode;
    }

    /** The user the registry (or its token server) accepts; empty without auth. */
    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    public String username() {
        return requireCredentials().username();
    }

    public String password() {
        return requireCredentials().password();
    }

    /** The token realm URL (GET with Basic credentials, or POST a password grant form). */
    public URI tokenRealm() {
        return requireTokenServer().realm();
    }

    /** How many requests the token server received, granted or not (0 without token auth). */
    public int tokenRequests() {
        return tokenServer == null ? 0 : tokenServer.requests();
    }

    /** How many tokens the token server handed out (0 without token auth). */
    public int tokensIssued() {
        return tokenServer == null ? 0 : tokenServer.tokensIssued();
    }

    /** A client authenticated as this registry's user (anonymous when the registry has no auth). */
    public RegistryClient client() {
        return new RegistryClient(baseUri(), credentials);
    }

    /** A client that presents no credentials. */
    public RegistryClient anonymousClient() {
        return new RegistryClient(baseUri(), null);
    }

    /** The {@code docker-registry} process id, for harness scripts that must clean up after a killed JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Where the registry keeps a blob's bytes. Overwrite it (same length, different bytes) and the
     * registry serves content that no longer matches its digest.
     */
    public Path blobDataFile(String digest) {
        if (!SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("\"" + digest + "\" is not a sha256:<64 lowercase hex> digest");
        }
        String hex = digest.substring("sha256:".length());
        Path data = storageDir.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2))
                .resolve(hex).resolve("data");
        if (!Files.isRegularFile(data)) {
            throw new IllegalStateException("blob " + digest + " is not stored in this registry (" + data + " missing)");
        }
        return data;
    }

    /** Flips one byte in the middle of a stored blob, keeping its size, so its digest no longer matches. */
    public void corruptBlob(String digest) {
        Path data = blobDataFile(digest);
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0) {
                throw new IllegalStateException("blob " + digest + " is empty; there is no byte to corrupt");
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, size / 2);
            one.flip();
            byte flipped = (byte) ~one.get();
            channel.write(ByteBuffer.wrap(new byte[] {flipped}), size / 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot corrupt " + data + ": " + e.getMessage(), e);
        }
    }

    /** Kills the registry process (and children), stops the token server and deletes the temp directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; stopping twice is harmless
        }
        process.kill();
        if (tokenServer != null) {
            tokenServer.close();
        }
        try {
            TempDirs.deleteTree(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("registry stopped but " + workDir + " could not be removed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LocalRegistry[" + hostPort() + ", auth=" + authMode + ", pid=" + process.pid() + ", dir=" + workDir + "]";
    }

    private void stopQuietly() {
        process.kill();
        if (tokenServer != null) {
            tokenServer.close();
        }
        deleteQuietly(workDir);
    }

    private Credentials requireCredentials() {
        if (credentials == null) {
            throw new IllegalStateException("this registry was started without authentication and has no user");
        }
        return credentials;
    }

    private TokenServer requireTokenServer() {
        if (tokenServer == null) {
            throw new IllegalStateException("this registry does not use token authentication (auth=" + authMode + ")");
        }
        return tokenServer;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            TempDirs.deleteTree(dir);
        } catch (IOException ignored) {
            // best effort on an error path; the original failure is what matters
        }
    }
}
