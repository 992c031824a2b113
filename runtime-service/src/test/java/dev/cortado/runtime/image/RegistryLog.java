package dev.cortado.runtime.image;

import dev.cortado.hack.registry.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;

/**
 * Counts requests in a {@link LocalRegistry}'s log. distribution writes one access-log line per
 * request in the combined log format ({@code "GET /v2/<repo>/blobs/<digest> HTTP/1.1" 200 ...}),
 * which is what is counted here; its other lines ("response completed") are not.
 */
final class RegistryLog {

    /** The registry may write a request's line a moment after the client has read the response. */
    private static final long SETTLE_MILLIS = 300;

    private RegistryLog() {
    }

    /** GET requests for the blob so far, in any repository of the registry. */
    static int blobGets(LocalRegistry registry, String digest) throws IOException {
        Pattern request = Pattern.compile("\"GET /v2/[^\" ]+/blobs/" + Pattern.quote(digest) + " HTTP/1\\.1\"");
        try (var lines = Files.lines(registry.logFile(), StandardCharsets.UTF_8)) {
            return (int) lines.filter(line -> request.matcher(line).find()).count();
        }
    }

    /** {@link #blobGets} once the count has stopped changing for a moment. */
    static int settledBlobGets(LocalRegistry registry, String digest) throws IOException, InterruptedException {
        int count = blobGets(registry, digest);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Thread.sleep(SETTLE_MILLIS);
            int again = blobGets(registry, digest);
            if (again == count || System.nanoTime() > deadline) {
                return again;
            }
            count = again;
        }
    }
}
