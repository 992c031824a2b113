package dev.cortado.image.service;

import dev.cortado.cri.v1.AuthConfig;
import dev.cortado.image.registry.Credentials;

/** Turns the kubelet's AuthConfig into registry credentials. */
final class AuthConfigs {

    private AuthConfigs() {
    }

    static Credentials credentials(AuthConfig auth) {
        if (!auth.getRegistryToken().isEmpty()) {
            return new Credentials(null, null, null, auth.getRegistryToken());
        }
        if (!auth.getIdentityToken().isEmpty()) {
            return new Credentials(auth.getUsername().isEmpty() ? null : auth.getUsername(), null,
                    auth.getIdentityToken(), null);
        }
        if (!auth.getUsername().isEmpty()) {
            return new Credentials(auth.getUsername(), auth.getPassword(), null, null);
        }
        if (!auth.getAuth().isEmpty()) {
            return Credentials.fromAuth(auth.getAuth());
        }
        return Credentials.anonymous();
    }
}
