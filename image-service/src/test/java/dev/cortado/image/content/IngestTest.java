package dev.cortado.image.content;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {

    @TempDir
    Path root;

    @Test
    void writtenMatchesOnlyTheWholeBlobAndLeavesTheHashUsable() throws Exception {
        byte[] blob = "the whole blob".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(blob);
        ContentStore store = new ContentStore(root);
        try (Ingest ingest = store.begin(digest, blob.length)) {
            ingest.write(blob, 0, 4);
            assertFalse(ingest.writtenMatches(), "a part is not the blob");
            ingest.write(blob, 4, blob.length - 4);
            assertTrue(ingest.writtenMatches());
            assertTrue(ingest.writtenMatches(), "asking does not consume the hash");
            ingest.commit(false);
        }
        assertTrue(Files.isRegularFile(store.path(digest)), "commit still verifies and stores it");
    }

    @Test
    void writtenDoesNotMatchForOtherBytesOfTheSameSize() throws Exception {
        byte[] blob = "expected".getBytes(StandardCharsets.UTF_8);
        byte[] other = "EXPECTED".getBytes(StandardCharsets.UTF_8);
        try (Ingest ingest = new ContentStore(root).begin(Digest.sha256Of(blob), blob.length)) {
            ingest.write(other, 0, other.length);
            assertFalse(ingest.writtenMatches());
        }
    }
}
