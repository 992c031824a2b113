package dev.cortado.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private DaemonConfig load(String toml) throws Exception {
        Path file = dir.resolve("cortado.toml");
        Files.writeString(file, toml);
        return ConfigLoader.load(file, DaemonConfig.defaults());
    }

    @Test
    void anEmptyFileKeepsEveryDefault() throws Exception {
        assertEquals(DaemonConfig.defaults(), load(""));
        DaemonConfig defaults = DaemonConfig.defaults();
        assertEquals(Path.of("/run/cortado/cortado.sock"), defaults.socket());
        assertEquals(Path.of("/var/lib/cortado"), defaults.root());
        assertEquals(Path.of("/run/cortado"), defaults.state());
        assertEquals(3, defaults.maxConcurrentDownloads());
    }

    @Test
    void readsEveryKey() throws Exception {
        DaemonConfig config = load("""
                root = "/srv/cortado"
                state = "/run/c2"
                log_level = "debug"
                max_concurrent_downloads = 5

                [registry]
                insecure = ["lab:5000"]

                [registry.mirrors."docker.io"]
                endpoint = ["http://127.0.0.1:5000", "https://mirror.example"]

                [registry.configs."lab:5000".auth]
                username = "u"
                password = "p"
                """);
        assertEquals(Path.of("/srv/cortado"), config.root());
        assertEquals(Path.of("/run/c2/cortado.sock"), config.socket(), "the socket follows the state directory");
        assertEquals("debug", config.logLevel());
        assertEquals(5, config.maxConcurrentDownloads());
        assertEquals(List.of("lab:5000"), config.registries().insecure());
        assertEquals(List.of("http://127.0.0.1:5000", "https://mirror.example"),
                config.registries().mirrors().get("docker.io"));
        assertEquals("u", config.registries().auth().get("lab:5000").username());
        assertEquals("p", config.registries().auth().get("lab:5000").password());
    }

    @Test
    void refusesWhatItCannotUseNamingTheKey() {
        assertMessage("max_concurent_downloads = 2", "unknown key \"max_concurent_downloads\"");
        assertMessage("[cni]\nbin_dir = \"/x\"", "unknown key \"cni.bin_dir\"");
        assertMessage("[cni]\nbin_dirs = [\"x\"]", "cni.bin_dirs entries must be absolute paths");
        assertMessage("[registry.mirrors.\"docker.io\"]\nendpoints = [\"x\"]",
                "unknown key \"registry.mirrors.\"docker.io\".endpoints\"");
        assertMessage("root = \"relative/dir\"", "root must be an absolute path");
        assertMessage("max_concurrent_downloads = 0", "max_concurrent_downloads must be a whole number from 1 to 64");
        assertMessage("log_level = \"loud\"", "log level must be error, warn, info or debug");
        assertMessage("root = [", "cortado.toml");
    }

    private void assertMessage(String toml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(toml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void streamingAddressFromItsTable() throws Exception {
        assertEquals("127.0.0.1:0", DaemonConfig.defaults().streamingAddress().toString(), "loopback, any free port");
        assertEquals("0.0.0.0:10010", load("[streaming]\naddress = \"0.0.0.0:10010\"\n").streamingAddress().toString());
        assertEquals("[::1]:0", load("[streaming]\naddress = \"[::1]:0\"\n").streamingAddress().toString());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> load("[streaming]\naddress = \"localhost\"\n"));
        assertTrue(bad.getMessage().contains("host:port"), bad.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> load("[streaming]\nport = 1\n"));
        assertTrue(unknown.getMessage().contains("streaming.port"), unknown.getMessage());
    }
}
