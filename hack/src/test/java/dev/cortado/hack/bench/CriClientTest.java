package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.VersionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriClientTest {
    @TempDir
    Path dir;

    @Test
    void callsBothServicesOverAUnixSocket() throws Exception {
        try (InMemoryCriServer server = new InMemoryCriServer(dir, "sha256:abc", 0);
             CriClient client = CriClient.connect(server.endpoint())) {
            assertEquals(server.socket, client.socket());
            assertEquals("inmemory", client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
            String ref = client.images().pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage("127.0.0.1:1/a:b")).build()).getImageRef();
            assertEquals("sha256:abc", ref);
            assertEquals(1, server.pulls.get());
        }
    }

    @Test
    void missingSocketIsUnavailable() {
        try (CriClient client = CriClient.connect("unix://" + dir.resolve("nobody.sock"))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.runtime()
                    .withDeadlineAfter(5, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void endpointsAreUnixSocketPaths() {
        assertEquals(Path.of("/run/x.sock"), CriClient.socketPath("unix:///run/x.sock"));
        assertEquals(Path.of("/run/x.sock"), CriClient.socketPath("/run/x.sock"));
        IllegalArgumentException tcp = assertThrows(IllegalArgumentException.class,
                () -> CriClient.socketPath("tcp://127.0.0.1:10010"));
        assertTrue(tcp.getMessage().contains("not a unix socket"), tcp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CriClient.socketPath("unix://run/x.sock"));
    }
}
