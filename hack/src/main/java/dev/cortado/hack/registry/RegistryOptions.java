package dev.cortado.hack.registry;

/**
 * How to start a {@link LocalRegistry}: its authentication, whether anonymous clients get
 * pull-only tokens (token auth only), and whether the deprecated schema 1 manifests are accepted
 * ({@code compatibility.schema1.enabled}; distribution 2.8 refuses them with 500 "manifest schema
 * v1 unsupported" otherwise).
 */
public record RegistryOptions(AuthMode authMode, Credentials credentials, boolean anonymousPull, boolean schema1) {
    public RegistryOptions {
        if (authMode == null) {
            throw new IllegalArgumentException("authMode is required");
        }
        if ((authMode == AuthMode.NONE) != (credentials == null)) {
            throw new IllegalArgumentException("credentials are needed exactly when auth is on (auth=" + authMode + ")");
        }
        if (anonymousPull && authMode != AuthMode.TOKEN) {
            throw new IllegalArgumentException("anonymous pull tokens only exist with token auth");
        }
    }

    public static RegistryOptions plain() {
        return new RegistryOptions(AuthMode.NONE, null, false, false);
    }

    public static RegistryOptions basicAuth(String username, String password) {
        return new RegistryOptions(AuthMode.BASIC, new Credentials(username, password), false, false);
    }

    public static RegistryOptions tokenAuth(String username, String password) {
        return new RegistryOptions(AuthMode.TOKEN, new Credentials(username, password), false, false);
    }

    public RegistryOptions withAnonymousPull(boolean allowed) {
        return new RegistryOptions(authMode, credentials, allowed, schema1);
    }

    public RegistryOptions withSchema1(boolean enabled) {
        return new RegistryOptions(authMode, credentials, anonymousPull, enabled);
    }
}
