package dev.cortado.hack.bench;

/** What the lifecycle benchmark times, per pod: each CRI call, and one end-to-end interval. */
public enum LifecycleStep {
    RUN_POD_SANDBOX("run_pod_sandbox", "RunPodSandbox"),
    CREATE_CONTAINER("create_container", "CreateContainer"),
    START_CONTAINER("start_container", "StartContainer"),
    /** Every ContainerStatus call made while waiting for RUNNING, usually one per pod. */
    CONTAINER_STATUS("container_status", "ContainerStatus"),
    /**
     * From just before RunPodSandbox is sent to the return of the first ContainerStatus that
     * reports CONTAINER_RUNNING: what a kubelet would see, pod sandbox to running container.
     */
    REQUESTED_TO_RUNNING("requested_to_running", "requested -> running"),
    /** {@code /bin/sleep 0} run in each running container a few times, each call timed. */
    EXEC_SYNC("exec_sync", "ExecSync"),
    STOP_CONTAINER("stop_container", "StopContainer"),
    REMOVE_CONTAINER("remove_container", "RemoveContainer"),
    STOP_POD_SANDBOX("stop_pod_sandbox", "StopPodSandbox"),
    REMOVE_POD_SANDBOX("remove_pod_sandbox", "RemovePodSandbox");

    private final String key;
    private final String title;

    LifecycleStep(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** The stem of this step's keys in the result line, e.g. {@code run_pod_sandbox}. */
    public String key() {
        return key;
    }

    /** The name people know: the CRI method, or the interval. */
    public String title() {
        return title;
    }
}
