package dev.cortado.hack.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The registry's config.yml. Filesystem storage with deletes enabled and no blob-descriptor cache,
 * so a blob file a test corrupts on disk is served as it now is.
 */
record RegistryConfigFile(Path storageDir, int port, AuthSection auth, boolean schema1) {

    /** The optional {@code auth:} section. */
    sealed interface AuthSection permits NoAuth, HtpasswdAuth, TokenAuth {
    }

    record NoAuth() implements AuthSection {
    }

    record HtpasswdAuth(Path htpasswdFile) implements AuthSection {
    }

    record TokenAuth(URI realm, String service, String issuer, Path rootCertBundle) implements AuthSection {
    }

    String render() {
        StringBuilder yaml = new StringBuilder();
        yaml.append("version: 0.1\n");
        yaml.append("log:\n");
        yaml.append("  level: info\n");
        yaml.append("  formatter: text\n");
        yaml.append("storage:\n");
        yaml.append("  filesystem:\n");
        yaml.append("    rootdirectory: ").append(quoted(storageDir.toString())).append('\n');
        yaml.append("  delete:\n");
        yaml.append("    enabled: true\n");
        yaml.append("  maintenance:\n");
        yaml.append("    uploadpurging:\n");
        yaml.append("      enabled: false\n");
        yaml.append("http:\n");
        yaml.append("  addr: ").append(quoted("127.0.0.1:" + port)).append('\n');
        // a fixed secret per instance silences the registry's warning about a random one
        yaml.append("  secret: ").append(quoted(UUID.randomUUID().toString())).append('\n');
        if (schema1) {
            yaml.append("compatibility:\n");
            yaml.append("  schema1:\n");
            yaml.append("    enabled: true\n");
        }
        if (auth instanceof HtpasswdAuth htpasswd) {
            yaml.append("auth:\n");
            yaml.append("  htpasswd:\n");
            yaml.append("    realm: ").append(quoted("cortado-registry")).append('\n');
            yaml.append("    path: ").append(quoted(htpasswd.htpasswdFile().toString())).append('\n');
        } else if (auth instanceof TokenAuth token) {
            yaml.append("auth:\n");
            yaml.append("  token:\n");
            yaml.append("    realm: ").append(quoted(token.realm().toString())).append('\n');
            yaml.append("    service: ").append(quoted(token.service())).append('\n');
            yaml.append("    issuer: ").append(quoted(token.issuer())).append('\n');
            yaml.append("    rootcertbundle: ").append(quoted(token.rootCertBundle().toString())).append('\n');
        }
        return yaml.toString();
    }

    Path writeTo(Path file) {
        try {
            Files.writeString(file, render());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write registry config " + file + ": " + e.getMessage(), e);
        }
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
