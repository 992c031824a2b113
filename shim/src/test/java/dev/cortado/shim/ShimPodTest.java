package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.shim.plan.InitPlan;
import dev.cortado.shim.plan.InitPlanBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pod init (PAUSE) holding the pod's namespaces, and a container joining them. */
class ShimPodTest {
    private ShimSandbox sandbox;

    @BeforeEach
    void open() throws Exception {
        sandbox = ShimSandbox.open();
    }

    @AfterEach
    void close() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aContainerJoinsThePodInitsNamespaces() throws Exception {
        ShimHandle pod = sandbox.create("pod", new InitPlanBuilder().pause(true).hostname("the-pod")
                .newNamespaces(InitPlan.CLONE_NEWPID | InitPlan.CLONE_NEWUTS | InitPlan.CLONE_NEWIPC
                        | InitPlan.CLONE_NEWNET)
                .build());
        ShimClient podClient = ShimClient.of(pod);
        podClient.start();
        assertEquals(ShimState.Status.RUNNING, podClient.state().state());

        String ns = "/proc/" + pod.initPid() + "/ns/";
        InitPlan app = sandbox.container("/bin/sh", "-c", "echo host=$(hostname) pid=$$")
                .hostname(null)
                .newNamespaces(InitPlan.CLONE_NEWNS)
                .join(InitPlan.CLONE_NEWIPC, ns + "ipc")
                .join(InitPlan.CLONE_NEWUTS, ns + "uts")
                .join(InitPlan.CLONE_NEWNET, ns + "net")
                .join(InitPlan.CLONE_NEWPID, ns + "pid")
                .build();
        ShimHandle container = sandbox.create("app", app);
        ShimClient appClient = ShimClient.of(container);
        appClient.start();
        assertEquals(0, appClient.waitExit().exitCode());
        List<String> out = CriLog.read(sandbox.log("app")).briefs("stdout");
        assertEquals(1, out.size(), out.toString());
        // a small pid but not 1: the pod init is pid 1 of the PID namespace the container joined
        assertTrue(out.get(0).matches("stdout F host=the-pod pid=([2-9]|[1-9][0-9])"), out.toString());

        podClient.kill(15, false);
        ExitStatus podExit = podClient.waitExit();
        assertEquals(0, podExit.exitCode(), "a pod init exits 0 on SIGTERM: " + podExit);
        assertEquals(0, podExit.exitSignal());
    }
}
