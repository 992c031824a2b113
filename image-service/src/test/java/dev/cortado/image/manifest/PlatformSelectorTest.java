package dev.cortado.image.manifest;

import dev.cortado.image.content.Digest;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformSelectorTest {

    private int next;

    private Descriptor entry(String platform) {
        String hex = String.format("%064x", ++next);
        return new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256(hex), 100, null, null,
                platform == null ? null : Platform.parse(platform));
    }

    private ImageIndex index(String... platforms) {
        List<Descriptor> entries = new ArrayList<>();
        for (String platform : platforms) {
            entries.add(entry(platform));
        }
        return new ImageIndex(MediaTypes.OCI_INDEX, entries);
    }

    private static String chosen(ImageIndex index, String wanted) throws RegistryException {
        return PlatformSelector.select(index, Platform.parse(wanted)).platform().toString();
    }

    @Test
    void picksTheExactPlatform() throws Exception {
        ImageIndex index = index("linux/arm64/v8", "linux/amd64", "linux/arm/v7", "linux/ppc64le", "linux/s390x");
        assertEquals("linux/amd64", chosen(index, "linux/amd64"));
        assertEquals("linux/arm64/v8", chosen(index, "linux/arm64/v8"));
        assertEquals("linux/ppc64le", chosen(index, "linux/ppc64le"));
        assertEquals("linux/arm/v7", chosen(index, "linux/arm/v7"));
    }

    @Test
    void arm64WithoutVariantIsV8() throws Exception {
        assertEquals("linux/arm64", chosen(index("linux/amd64", "linux/arm64"), "linux/arm64/v8"));
        assertEquals("linux/arm64/v8", chosen(index("linux/arm64/v8"), "linux/arm64"));
    }

    @Test
    void armPrefersTheExactVariantThenTheClosestOlder() throws Exception {
        assertEquals("linux/arm/v7", chosen(index("linux/arm/v5", "linux/arm/v7", "linux/arm/v6"), "linux/arm/v7"));
        assertEquals("linux/arm/v6", chosen(index("linux/arm/v5", "linux/arm/v6"), "linux/arm/v7"));
        assertThrows(RegistryException.class, () -> chosen(index("linux/arm/v7"), "linux/arm/v6"));
    }

    @Test
    void amd64LevelsRunOlderLevelsOnly() throws Exception {
        ImageIndex levels = index("linux/amd64", "linux/amd64/v2", "linux/amd64/v3");
        assertEquals("linux/amd64/v3", chosen(levels, "linux/amd64/v3"));
        assertEquals("linux/amd64/v2", chosen(levels, "linux/amd64/v2"));
        assertEquals("linux/amd64", chosen(levels, "linux/amd64"));
        assertEquals("linux/amd64", chosen(index("linux/amd64/v1"), "linux/amd64").replace("/v1", ""));
        assertThrows(RegistryException.class, () -> chosen(index("linux/amd64/v3"), "linux/amd64/v2"));
    }

    @Test
    void firstOfEquallyGoodEntriesWins() throws Exception {
        ImageIndex index = index("linux/amd64", "linux/amd64");
        assertEquals(index.manifests().get(0), PlatformSelector.select(index, Platform.parse("linux/amd64")));
    }

    @Test
    void skipsEntriesWithoutPlatformAndNonManifests() throws Exception {
        List<Descriptor> entries = new ArrayList<>(index((String) null).manifests());
        entries.add(new Descriptor("application/vnd.in-toto+json", Digest.sha256("e".repeat(64)), 1, null, null,
                Platform.parse("linux/amd64")));
        Descriptor good = entry("linux/amd64");
        entries.add(good);
        assertEquals(good, PlatformSelector.select(new ImageIndex(MediaTypes.OCI_INDEX, entries), Platform.parse("linux/amd64")));
    }

    @Test
    void noMatchListsWhatIsAvailable() {
        ImageIndex index = index("linux/arm64/v8", "linux/arm/v7", "unknown/unknown");
        RegistryException e = assertThrows(RegistryException.class,
                () -> PlatformSelector.select(index, Platform.parse("linux/amd64"), "docker.io/library/x:1"));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertEquals("no manifest for linux/amd64 in docker.io/library/x:1; available: linux/arm64/v8, linux/arm/v7, "
                + "unknown/unknown", e.getMessage());
        RegistryException empty = assertThrows(RegistryException.class,
                () -> PlatformSelector.select(index(), Platform.parse("linux/amd64")));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void otherOsNeverMatches() {
        assertThrows(RegistryException.class, () -> chosen(index("windows/amd64"), "linux/amd64"));
    }

    @Test
    void hostPlatformIsLinuxWithGoArchitectureName() {
        Platform host = Platform.host();
        assertEquals("linux", host.os());
        assertNotNull(host.architecture());
        assertFalse(host.architecture().equals("x86_64") || host.architecture().equals("aarch64"), host.toString());
        if (host.architecture().equals("arm64")) {
            assertEquals("v8", host.variant());
        }
        // The host runs images built for its own architecture without a variant.
        assertTrue(new PlatformMatcher(host).matches(Platform.of("linux", host.architecture(), null))
                || host.architecture().equals("arm"), host.toString());
    }
}
