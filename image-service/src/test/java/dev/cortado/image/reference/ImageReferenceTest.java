package dev.cortado.image.reference;

import dev.cortado.image.content.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageReferenceTest {

    private static final String HEX = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";
    private static final String DIGEST = "sha256:" + HEX;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "docker.io/library/busybox:musl, docker.io/library/busybox:musl",
            "index.docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/user/app:v2, docker.io/user/app:v2",
            "user/app, docker.io/user/app:latest",
            "user/team/app:1, docker.io/user/team/app:1",
            "localhost/app, localhost/app:latest",
            "localhost:5000/x, localhost:5000/x:latest",
            "127.0.0.1:5000/x:tag, 127.0.0.1:5000/x:tag",
            "quay.io/coreos/etcd:v3.5.0, quay.io/coreos/etcd:v3.5.0",
            "registry.k8s.io/pause:3.9, registry.k8s.io/pause:3.9",
            "[::1]:5000/app:1, [::1]:5000/app:1",
            "Registry.Example/app, Registry.Example/app:latest",
            "a.b/c__d/e-f/g.h_i, a.b/c__d/e-f/g.h_i:latest",
            "x/a---b, docker.io/x/a---b:latest",
            "busybox:Latest_1.0-rc, docker.io/library/busybox:Latest_1.0-rc",
            "localhost:5000, docker.io/library/localhost:5000",
    })
    void normalises(String input, String canonical) {
        assertEquals(canonical, ImageReference.parse(input).toString());
    }

    @Test
    void splitsIntoParts() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/app:v1");
        assertEquals("127.0.0.1:5000", ref.domain());
        assertEquals("team/app", ref.path());
        assertEquals("v1", ref.tag());
        assertNull(ref.digest());
        assertEquals("127.0.0.1:5000/team/app", ref.name());
        assertEquals("127.0.0.1:5000", ref.registryHost());
        assertEquals("v1", ref.manifestReference());
        assertFalse(ref.isDigested());
    }

    @Test
    void dockerHubApiHostDiffersFromItsName() {
        ImageReference ref = ImageReference.parse("busybox");
        assertEquals("docker.io", ref.domain());
        assertEquals("registry-1.docker.io", ref.registryHost());
        assertEquals("library/busybox", ref.path());
    }

    @Test
    void digestWithoutTagGetsNoLatest() {
        ImageReference ref = ImageReference.parse("busybox@" + DIGEST);
        assertNull(ref.tag());
        assertEquals(Digest.sha256(HEX), ref.digest());
        assertTrue(ref.isDigested());
        assertEquals("docker.io/library/busybox@" + DIGEST, ref.toString());
        assertEquals(DIGEST, ref.manifestReference());
    }

    @Test
    void digestWinsButTagIsKept() {
        ImageReference ref = ImageReference.parse("localhost:5000/x:1.0@" + DIGEST);
        assertEquals("1.0", ref.tag());
        assertEquals(DIGEST, ref.manifestReference());
        assertEquals("localhost:5000/x:1.0@" + DIGEST, ref.toString());
    }

    @Test
    void withTagAndWithDigestKeepTheOtherPart() {
        ImageReference ref = ImageReference.parse("busybox:1");
        ImageReference pinned = ref.withDigest(Digest.sha256(HEX));
        assertEquals("docker.io/library/busybox:1@" + DIGEST, pinned.toString());
        assertEquals("docker.io/library/busybox:2@" + DIGEST, pinned.withTag("2").toString());
        assertThrows(IllegalArgumentException.class, () -> ref.withTag("-bad"));
    }

    @Test
    void parsingTheCanonicalFormIsStable() {
        for (String input : new String[] {"busybox", "user/app:1", "localhost:5000/x@" + DIGEST, "a.io/b/c:d@" + DIGEST}) {
            ImageReference once = ImageReference.parse(input);
            assertEquals(once, ImageReference.parse(once.toString()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            " busybox",
            "Busybox",
            "user/App",
            "docker.io/Library/busybox",
            "busybox:",
            "busybox:-tag",
            "busybox:.tag",
            "busybox:tag!",
            "busybox@sha256:abc",
            "busybox@md5:" + HEX,
            "busybox@",
            "@" + DIGEST,
            ":tag",
            "a//b",
            "a/b/",
            "/a",
            "a..b",
            "a_-b",
            "_a",
            "a-",
            "localhost:5000/",
            "-registry.io/app",
            "registry.io:port/app",
            HEX,
    })
    void refusesInvalid(String input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(input));
        assertTrue(e.getMessage().startsWith("invalid image reference"), e.getMessage());
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertTrue(ImageReference.parse("busybox").toString().endsWith(":latest"));
        assertTrue(message("Busybox").contains("must be lowercase"), message("Busybox"));
        assertTrue(message("busybox:-x").contains("tag \"-x\""), message("busybox:-x"));
        assertTrue(message(HEX).contains("image id"), message(HEX));
        assertTrue(message("busybox@sha256:12").contains("malformed sha256 digest"), message("busybox@sha256:12"));
    }

    @Test
    void refusesOverlongNamesAndTags() {
        String longPath = "a".repeat(250);
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("example.com/" + longPath));
        assertEquals(128, ImageReference.parse("x:" + "t".repeat(128)).tag().length());
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("x:" + "t".repeat(129)));
    }

    private static String message(String input) {
        return assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(input)).getMessage();
    }
}
