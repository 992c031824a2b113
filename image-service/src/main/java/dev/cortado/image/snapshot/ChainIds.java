package dev.cortado.image.snapshot;

import dev.cortado.image.content.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * chainIDs as the OCI image spec defines them: the first layer's is its diff_id, each next one
 * is sha256 of "{@code <chainID below> <diff_id>}", so a chainID names a whole stack of layers.
 */
public final class ChainIds {

    private ChainIds() {
    }

    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest below = null;
        for (Digest diffId : diffIds) {
            Digest next = below == null ? diffId
                    : Digest.sha256Of((below + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(next);
            below = next;
        }
        return chain;
    }
}
