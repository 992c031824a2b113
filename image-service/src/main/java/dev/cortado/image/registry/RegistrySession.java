package dev.cortado.image.registry;

import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.MediaTypes;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading one repository with one set of credentials: manifests, config blobs and layer
 * streams. Endpoints are tried in order (mirrors, then the registry); a mirror that fails or
 * lacks the content passes to the next, the registry's own answer is final. Once a manifest came
 * from an endpoint, blobs are asked there first. Thread-safe: layers may be fetched in parallel.
 */
public final class RegistrySession {

    private static final System.Logger LOG = System.getLogger(RegistrySession.class.getName());
    private static final String ACCEPT = String.join(", ", MediaTypes.MANIFEST_ACCEPT);
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern CONTENT_RANGE_START = Pattern.compile("bytes\\s+(\\d+)-.*");

    private final ImageReference ref;
    private final List<Endpoint> endpoints;
    private final RequestRunner runner;
    private final RetryPolicy retry;
    private final RegistryConfig config;
    private volatile Endpoint preferred;

    RegistrySession(ImageReference ref, List<Endpoint> endpoints, RequestRunner runner, RetryPolicy retry,
                    RegistryConfig config) {
        this.ref = ref;
        this.endpoints = List.copyOf(endpoints);
        this.runner = runner;
        this.retry = retry;
        this.config = config;
    }

    public ImageReference reference() {
        return ref;
    }

    /** The reference's own manifest: by digest when it has one, else by tag. */
    public FetchedManifest fetchManifest() throws IOException {
        return fetchManifest(ref.manifestReference());
    }

    /**
     * Fetches a manifest or index by tag or digest ({@code sha256:...}), at most the configured
     * manifest cap, and verifies it against the asked digest.
     */
    public FetchedManifest fetchManifest(String tagOrDigest) throws IOException {
        Digest expected = null;
        String display;
        if (tagOrDigest.indexOf(':') >= 0) {
            expected = Digest.parse(tagOrDigest);
            display = ref.name() + "@" + expected;
        } else if (TAG.matcher(tagOrDigest).matches()) {
            display = ref.name() + ":" + tagOrDigest;
        } else {
            throw new IllegalArgumentException("\"" + tagOrDigest + "\" is neither a tag nor a digest");
        }
        Digest asked = expected;
        return onEndpoints(endpoints, "image \"" + display + "\"", endpoint -> {
            FetchedManifest manifest = manifestFrom(endpoint, tagOrDigest, asked, display);
            preferred = endpoint;
            return manifest;
        });
    }

    /** A small blob (a config) read whole into memory: at most {@code cap} bytes, digest verified. */
    public byte[] fetchBlobBytes(Digest digest, long expectedSize, long cap) throws IOException {
        String what = blobWhat(digest);
        if (expectedSize > cap) {
            throw new RegistryException(Kind.TOO_LARGE, what + " is " + expectedSize
                    + " bytes, more than the " + cap + "-byte limit");
        }
        byte[] bytes;
        try (InputStream in = openBlob(digest, expectedSize)) {
            bytes = Bodies.readAtMost(in, expectedSize >= 0 ? expectedSize : cap);
        }
        if (bytes == null) {
            throw new RegistryException(Kind.TOO_LARGE, what + " is larger than the " + cap + "-byte limit");
        }
        Digest actual = digestOf(bytes, digest);
        if (!actual.equals(digest)) {
            throw new RegistryException(Kind.DIGEST_MISMATCH, what + ": the registry sent content with digest " + actual);
        }
        return bytes;
    }

    /** A layer as a stream from its start; see {@link #openBlob(Digest, long, long)}. */
    public InputStream openBlob(Digest digest, long expectedSize) throws IOException {
        return openBlob(digest, expectedSize, 0);
    }

    /**
     * Streams a blob from {@code offset} (to continue a partial download), resuming by itself
     * after transient failures. Nothing is buffered beyond a network chunk. The caller verifies
     * the digest of what it reads and closes the stream.
     *
     * @param expectedSize the descriptor's size, or -1 if unknown
     */
    public InputStream openBlob(Digest digest, long expectedSize, long offset) throws IOException {
        if (offset < 0 || (expectedSize >= 0 && offset > expectedSize)) {
            throw new IllegalArgumentException("offset " + offset + " is outside blob " + digest
                    + " of " + expectedSize + " bytes");
        }
        if (expectedSize >= 0 && offset == expectedSize) {
            return InputStream.nullInputStream();
        }
        String what = blobWhat(digest);
        return onEndpoints(blobOrder(), what, endpoint -> {
            ResumingBlobStream.Opener opener = from -> blobFrom(endpoint, digest, expectedSize, from, what);
            InputStream first = opener.open(offset);
            return new ResumingBlobStream(opener, first, digest, expectedSize, offset, retry, what);
        });
    }

    private FetchedManifest manifestFrom(Endpoint endpoint, String reference, Digest expected, String display)
            throws IOException {
        String what = "manifest for " + display;
        HttpReply response = runner.get(endpoint, endpoint.resolve(ref.path(), "manifests", reference),
                Map.of("Accept", ACCEPT));
        try (InputStream body = response.body()) {
            if (response.status() != 200) {
                throw failure(response, endpoint, "image \"" + display + "\" not found");
            }
            String contentType = MediaTypes.normalise(response.headers().firstValue("Content-Type").orElse(""));
            if (MediaTypes.isSchema1(contentType)) {
                throw new RegistryException(Kind.UNSUPPORTED, "schema 1 manifests are not supported: " + display
                        + " is served as " + contentType + "; push it again with a current docker, buildah or crane");
            }
            long cap = config.maxManifestBytes();
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > cap) {
                throw new RegistryException(Kind.TOO_LARGE, what + " is " + declared + " bytes, more than the "
                        + cap + "-byte limit");
            }
            byte[] bytes = Bodies.readAtMost(body, cap);
            if (bytes == null) {
                throw new RegistryException(Kind.TOO_LARGE, what + " is larger than the " + cap + "-byte limit");
            }
            Digest actual = digestOf(bytes, expected);
            if (expected != null && !actual.equals(expected)) {
                throw new RegistryException(Kind.DIGEST_MISMATCH, what + ": " + endpoint
                        + " served content with digest " + actual);
            }
            checkAdvertisedDigest(response, actual, what, endpoint);
            return new FetchedManifest(bytes, contentType, actual, response.uri());
        }
    }

    /** By tag, the registry's Docker-Content-Digest is the only thing to check the body against. */
    private static void checkAdvertisedDigest(HttpReply response, Digest actual, String what,
                                              Endpoint endpoint) throws RegistryException {
        String advertised = response.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (advertised == null) {
            return;
        }
        Digest parsed;
        try {
            parsed = Digest.parse(advertised.strip());
        } catch (IllegalArgumentException e) {
            return;
        }
        if (parsed.algorithm().equals(actual.algorithm()) && !parsed.equals(actual)) {
            throw new RegistryException(Kind.DIGEST_MISMATCH, what + ": " + endpoint + " says its digest is "
                    + parsed + " but the content it sent has digest " + actual);
        }
    }

    private InputStream blobFrom(Endpoint endpoint, Digest digest, long expectedSize, long from, String what)
            throws IOException {
        Map<String, String> headers = from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
        HttpReply response = runner.get(endpoint, endpoint.resolve(ref.path(), "blobs", digest.toString()),
                headers);
        InputStream body = response.body();
        boolean handedOver = false;
        try {
            int status = response.status();
            if (status == 206 && from > 0) {
                checkRangeStart(response, from, what);
            } else if (status == 200) {
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (expectedSize >= 0 && length >= 0 && length != expectedSize) {
                    throw new RegistryException(Kind.DIGEST_MISMATCH, what + ": " + endpoint + " serves "
                            + length + " bytes but the descriptor declares " + expectedSize);
                }
                skipFully(body, from, what);
            } else {
                throw failure(response, endpoint, what + " not found");
            }
            handedOver = true;
            return body;
        } finally {
            if (!handedOver) {
                body.close();
            }
        }
    }

    private static void checkRangeStart(HttpReply response, long from, String what)
            throws RegistryException {
        String range = response.headers().firstValue("Content-Range").orElse("");
        java.util.regex.Matcher matcher = CONTENT_RANGE_START.matcher(range.strip());
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) != from) {
            throw new RegistryException(Kind.PROTOCOL, what + ": asked for bytes from " + from
                    + " but the registry answered with range \"" + range + "\"");
        }
    }

    /** A server that ignores Range sends everything again: drop what was already delivered. */
    private static void skipFully(InputStream body, long count, String what) throws IOException {
        long left = count;
        byte[] scratch = new byte[16 * 1024];
        while (left > 0) {
            int n = body.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new IOException(what + ": connection ended while skipping to byte " + count);
            }
            left -= n;
        }
    }

    /** Turns a non-success response into the exception its status means. */
    private RegistryException failure(HttpReply response, Endpoint endpoint, String notFound) {
        int status = response.status();
        String detail = Bodies.errorSummary(response.body());
        String suffix = detail.isEmpty() ? "" : " (" + detail + ")";
        String where = endpoint.mirror() ? "mirror " + endpoint : "registry " + ref.domain();
        Credentials credentials = endpoint.credentials();
        return switch (status) {
            case 404 -> new RegistryException(Kind.NOT_FOUND, notFound);
            case 401 -> new RegistryException(Kind.UNAUTHORIZED, credentials.isAnonymous()
                    ? "pull access denied for \"" + ref.name() + "\": " + where
                    + " requires credentials, or the repository does not exist" + suffix
                    : where + " refused the credentials (" + credentials.describe() + ") for \"" + ref.name() + "\"" + suffix);
            case 403 -> new RegistryException(Kind.DENIED, where + " denied " + credentials.describe()
                    + " access to \"" + ref.name() + "\"" + suffix);
            default -> RetryPolicy.isRetryableStatus(status)
                    ? new RegistryException(Kind.UNREACHABLE, where + " answered HTTP " + status + suffix)
                    : new RegistryException(Kind.PROTOCOL, where + " answered HTTP " + status + " for "
                    + response.uri() + suffix);
        };
    }

    @FunctionalInterface
    private interface EndpointCall<T> {
        T run(Endpoint endpoint) throws IOException;
    }

    /**
     * Runs the call on each endpoint in turn until one succeeds. The registry's own definite
     * answer (not found, refused, bad content) ends the search; everything else moves on, and
     * when nothing is left the failure is UNREACHABLE with every endpoint and what it said.
     */
    private <T> T onEndpoints(List<Endpoint> order, String what, EndpointCall<T> call) throws IOException {
        List<String> tried = new ArrayList<>();
        IOException last = null;
        for (Endpoint endpoint : order) {
            try {
                return call.run(endpoint);
            } catch (RegistryException e) {
                if (!endpoint.mirror() && e.kind() != Kind.UNREACHABLE) {
                    throw e;
                }
                tried.add(endpoint + " (" + e.getMessage() + ")");
                last = e;
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1} failed: {2}", what, endpoint, e.getMessage());
            } catch (InterruptedIOException e) {
                if (!(e instanceof java.net.SocketTimeoutException)) {
                    throw e;
                }
                tried.add(endpoint + " (" + Failures.describe(e) + ")");
                last = e;
            } catch (IOException e) {
                tried.add(endpoint + " (" + Failures.describe(e) + ")");
                last = e;
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1} failed: {2}", what, endpoint, Failures.describe(e));
            }
        }
        throw new RegistryException(Kind.UNREACHABLE, "cannot get " + what + ": tried " + String.join(", ", tried), last);
    }

    private List<Endpoint> blobOrder() {
        Endpoint first = preferred;
        if (first == null) {
            return endpoints;
        }
        List<Endpoint> order = new ArrayList<>(endpoints.size());
        order.add(first);
        for (Endpoint endpoint : endpoints) {
            if (!endpoint.equals(first)) {
                order.add(endpoint);
            }
        }
        return order;
    }

    private String blobWhat(Digest digest) {
        return "blob " + digest + " of image \"" + ref + "\"";
    }

    /** The digest of the bytes in the algorithm of {@code like} (sha256 when null). */
    private static Digest digestOf(byte[] bytes, Digest like) {
        if (like == null || like.algorithm().equals("sha256")) {
            return Digest.sha256Of(bytes);
        }
        return new Digest(like.algorithm(), HexFormat.of().formatHex(like.newHasher().digest(bytes)));
    }
}
