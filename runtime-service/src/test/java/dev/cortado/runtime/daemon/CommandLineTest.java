package dev.cortado.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.config.ConfigException;
import dev.cortado.runtime.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheFileWhichOverridesDefaults() throws Exception {
        Path file = dir.resolve("c.toml");
        Files.writeString(file, "root = \"/from/file\"\nlog_level = \"warn\"\nmax_concurrent_downloads = 7\n");
        DaemonConfig config = CommandLine.parse(new String[] {"--config", file.toString(), "--root", "/from/flag",
                "--max-concurrent-downloads=2"}).config();
        assertEquals(Path.of("/from/flag"), config.root());
        assertEquals("warn", config.logLevel());
        assertEquals(2, config.maxConcurrentDownloads());
        assertEquals(Path.of("/run/cortado/cortado.sock"), config.socket());
    }

    @Test
    void movingTheStateMovesTheSocketUnlessItIsGiven() throws Exception {
        assertEquals(Path.of("/tmp/s/cortado.sock"),
                CommandLine.parse(new String[] {"--state", "/tmp/s"}).config().socket());
        assertEquals(Path.of("/tmp/x.sock"),
                CommandLine.parse(new String[] {"--state", "/tmp/s", "--socket", "/tmp/x.sock"}).config().socket());
    }

    @Test
    void cniDirectoriesFromTheFileAndFlags() throws Exception {
        DaemonConfig defaults = CommandLine.parse(new String[0]).config();
        assertEquals(Path.of("/etc/cni/net.d"), defaults.cni().confDir());
        assertEquals(java.util.List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")), defaults.cni().binDirs());
        Path file = dir.resolve("c.toml");
        Files.writeString(file, "[cni]\nconf_dir = \"/from/file\"\nbin_dirs = [\"/file/bin\"]\n");
        DaemonConfig config = CommandLine.parse(new String[] {"--config", file.toString(), "--cni-bin-dir",
                "/a/bin:/b/bin"}).config();
        assertEquals(Path.of("/from/file"), config.cni().confDir());
        assertEquals(java.util.List.of(Path.of("/a/bin"), Path.of("/b/bin")), config.cni().binDirs());
        assertEquals(Path.of("/flag/net.d"), CommandLine.parse(new String[] {"--cni-conf-dir", "/flag/net.d"})
                .config().cni().confDir());
        assertMessage(new String[] {"--cni-bin-dir", "/a:relative"}, "--cni-bin-dir must be ':'-separated absolute");
        assertMessage(new String[] {"--cni-conf-dir", "net.d"}, "--cni-conf-dir must be an absolute path");
    }

    @Test
    void helpAndVersionNeedNoConfiguration() throws Exception {
        assertTrue(CommandLine.parse(new String[] {"--help"}).help());
        assertTrue(CommandLine.parse(new String[] {"-h", "--root", "relative"}).help());
        assertTrue(CommandLine.parse(new String[] {"--version"}).version());
    }

    @Test
    void streamingAddressFlagOverridesTheFile() throws Exception {
        Path file = dir.resolve("s.toml");
        Files.writeString(file, "[streaming]\naddress = \"127.0.0.1:10010\"\n");
        assertEquals("127.0.0.1:10010", CommandLine.parse(new String[] {"--config", file.toString()}).config()
                .streamingAddress().toString());
        assertEquals("[::1]:0", CommandLine.parse(new String[] {"--config", file.toString(),
                "--streaming-address", "[::1]:0"}).config().streamingAddress().toString());
        assertMessage(new String[] {"--streaming-address", "nowhere"}, "--streaming-address");
        assertTrue(CommandLine.USAGE.contains("--streaming-address"));
    }

    @Test
    void refusesBadFlagsWithTheirName() {
        assertMessage(new String[] {"--root"}, "flag --root needs a value");
        assertMessage(new String[] {"--root", "relative"}, "--root must be an absolute path");
        assertMessage(new String[] {"--bogus"}, "unknown flag \"--bogus\"");
        assertMessage(new String[] {"--config", dir.resolve("absent.toml").toString()}, "does not exist");
        assertMessage(new String[] {"--max-concurrent-downloads", "lots"}, "from 1 to 64");
        assertMessage(new String[] {"--log-level", "chatty"}, "--log-level");
    }

    @Test
    void metricsAreOffUnlessAnAddressIsGiven() throws Exception {
        assertEquals(null, CommandLine.parse(new String[] {}).config().metrics());
        assertEquals("127.0.0.1:9090",
                CommandLine.parse(new String[] {"--metrics-address", "127.0.0.1:9090"}).config().metrics().toString());
        assertEquals("[::1]:0", CommandLine.parse(new String[] {"--metrics-address=[::1]:0"}).config().metrics().toString());
        Path file = dir.resolve("m.toml");
        Files.writeString(file, "[metrics]\naddress = \"127.0.0.1:9999\"\n");
        assertEquals(9999, CommandLine.parse(new String[] {"--config", file.toString()}).config().metrics().port());
        assertEquals(null, CommandLine.parse(new String[] {"--config", file.toString(), "--metrics-address", "off"})
                .config().metrics());
    }

    @Test
    void refusesMetricsAddressesThatAreNotHostAndPort() throws Exception {
        assertMessage(new String[] {"--metrics-address", "9090"}, "--metrics-address: \"9090\" is not host:port");
        assertMessage(new String[] {"--metrics-address", "localhost:9090"}, "\"localhost\" is not an IP address");
        assertMessage(new String[] {"--metrics-address", "127.0.0.1:70000"}, "from 0 to 65535");
        assertMessage(new String[] {"--metrics-address", "::1:9090"}, "in brackets");
        Path file = dir.resolve("bad.toml");
        Files.writeString(file, "[metrics]\nport = 1\n");
        assertMessage(new String[] {"--config", file.toString()}, "unknown key \"metrics.port\"");
    }

    private static void assertMessage(String[] args, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> CommandLine.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
