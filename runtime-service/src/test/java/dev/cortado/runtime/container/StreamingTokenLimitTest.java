package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.PortForwardRequest;
import dev.cortado.runtime.daemon.RpcFailures;
import dev.cortado.runtime.streaming.StreamTokens;
import io.grpc.Status;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The number of outstanding streaming URLs is bounded; the daemon refuses more, saying why. */
class StreamingTokenLimitTest {

    @Test
    void urlsBeyondTheLimitAreResourceExhausted() throws Exception {
        try (ContainerHarness harness = ContainerHarness.start("ctr-tokens")) {
            String pod = harness.pods().runPod(harness.pods().pod("tokens"));
            PortForwardRequest request = PortForwardRequest.newBuilder().setPodSandboxId(pod).addPort(80).build();
            Set<String> urls = new HashSet<>();
            for (int i = 0; i < StreamTokens.DEFAULT_LIMIT; i++) {
                urls.add(harness.runtime().portForward(request).getUrl());
            }
            assertEquals(StreamTokens.DEFAULT_LIMIT, urls.size(), "every URL is distinct");
            RpcFailures.assertFails(Status.Code.RESOURCE_EXHAUSTED, () -> harness.runtime().portForward(request),
                    "outstanding");
        }
    }
}
