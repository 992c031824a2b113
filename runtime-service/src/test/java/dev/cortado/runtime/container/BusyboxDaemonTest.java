package dev.cortado.runtime.container;

import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class with a daemon and registry of its own ({@link ContainerHarness}), started once
 * before its tests with busybox pushed and pulled, and closed after them; every pod is removed
 * after each test. A class adds what else it needs in {@link #prepare}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BusyboxDaemonTest {

    private final String name;
    private final List<String> jvmOptions;
    private final String[] daemonFlags;

    protected ContainerHarness harness;
    protected PodFixture pods;
    protected TestImage busybox;

    /** @param name names the class's temp directory ({@code cortado-<name>-...}) */
    protected BusyboxDaemonTest(String name, String... daemonFlags) {
        this(name, List.of(), daemonFlags);
    }

    protected BusyboxDaemonTest(String name, List<String> jvmOptions, String... daemonFlags) {
        this.name = name;
        this.jvmOptions = jvmOptions;
        this.daemonFlags = daemonFlags;
    }

    @BeforeAll
    final void startDaemon() throws Exception {
        harness = ContainerHarness.start(name, jvmOptions, daemonFlags);
        pods = harness.pods();
        busybox = TestImages.busybox(harness.registry());
        pods.pull(busybox.reference());
        prepare();
    }

    /** More images, files or containers the class's tests share; busybox is pulled by then. */
    protected void prepare() throws Exception {
    }

    @AfterAll
    final void stopDaemon() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @AfterEach
    void removePods() {
        harness.removeAllPods();
    }
}
