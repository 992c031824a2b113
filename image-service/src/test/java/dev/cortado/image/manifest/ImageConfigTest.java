package dev.cortado.image.manifest;

import dev.cortado.image.content.Digest;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageConfigTest {

    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    private static final String FULL = """
            {"architecture":"arm64","variant":"v8","os":"linux","created":"2024-01-01T00:00:00Z",
             "config":{"User":"1000:1000","Env":["PATH=/bin","A=b=c"],"Entrypoint":["/bin/sh","-c"],
                       "Cmd":["echo hi"],"WorkingDir":"/app","Labels":{"k":"v"},"StopSignal":"SIGQUIT",
                       "ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}}},
             "rootfs":{"type":"layers","diff_ids":["%s","%s"]},
             "history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD rootfs /"},
                        {"created_by":"ENV A=b=c","empty_layer":true},
                        {"created_by":"RUN make"}]}
            """.formatted(D1, D2);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesEverythingARuntimeUses() throws Exception {
        ImageConfig config = ImageConfig.parse(bytes(FULL));
        assertEquals(Platform.of("linux", "arm64", "v8"), config.platform());
        ExecutionConfig exec = config.config();
        assertEquals("1000:1000", exec.user());
        assertEquals(List.of("PATH=/bin", "A=b=c"), exec.env());
        assertEquals(List.of("/bin/sh", "-c"), exec.entrypoint());
        assertEquals(List.of("echo hi"), exec.cmd());
        assertEquals("/app", exec.workingDir());
        assertEquals(Map.of("k", "v"), exec.labels());
        assertEquals("SIGQUIT", exec.stopSignal());
        assertEquals(List.of("80/tcp", "53/udp"), exec.exposedPorts());
        assertEquals(List.of("/data"), exec.volumes());
        assertEquals(List.of(Digest.parse(D1), Digest.parse(D2)), config.diffIds());
        assertEquals(3, config.history().size());
        assertTrue(config.history().get(1).emptyLayer());
        assertFalse(config.history().get(2).emptyLayer());
        assertEquals("ADD rootfs /", config.history().get(0).createdBy());
    }

    @Test
    void unsetCommandStaysNullAndMissingConfigIsEmpty() throws Exception {
        ImageConfig config = ImageConfig.parse(bytes("""
                {"architecture":"amd64","os":"linux","config":{"Env":null,"Cmd":null},
                 "rootfs":{"type":"layers","diff_ids":[]}}"""));
        assertNull(config.config().cmd());
        assertNull(config.config().entrypoint());
        assertEquals(List.of(), config.config().env());
        ImageConfig bare = ImageConfig.parse(bytes("""
                {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}""".formatted(D1)));
        assertEquals(ExecutionConfig.EMPTY, bare.config());
        assertEquals(List.of(), bare.history());
    }

    @Test
    void missingRootfsIsAClearError() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> ImageConfig.parse(bytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}"), "image x.io/a:1"));
        assertEquals(Kind.PROTOCOL, e.kind());
        assertEquals("config of image x.io/a:1 is invalid: \"rootfs\" is missing", e.getMessage());
    }

    @Test
    void invalidJsonAndBadDiffIdsAreClearErrors() {
        RegistryException json = assertThrows(RegistryException.class, () -> ImageConfig.parse(bytes("{\"os\":"), "image x"));
        assertTrue(json.getMessage().startsWith("config of image x is not valid JSON: "), json.getMessage());
        RegistryException diff = assertThrows(RegistryException.class, () -> ImageConfig.parse(bytes("""
                {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:zz"]}}""")));
        assertTrue(diff.getMessage().contains("rootfs.diff_ids[0]"), diff.getMessage());
        RegistryException type = assertThrows(RegistryException.class, () -> ImageConfig.parse(bytes("""
                {"architecture":"amd64","os":"linux","rootfs":{"type":"squashfs","diff_ids":[]}}""")));
        assertTrue(type.getMessage().contains("rootfs.type"), type.getMessage());
        RegistryException env = assertThrows(RegistryException.class, () -> ImageConfig.parse(bytes("""
                {"architecture":"amd64","os":"linux","config":{"Env":"PATH=/bin"},
                 "rootfs":{"type":"layers","diff_ids":[]}}""")));
        assertTrue(env.getMessage().contains("\"Env\""), env.getMessage());
    }
}
