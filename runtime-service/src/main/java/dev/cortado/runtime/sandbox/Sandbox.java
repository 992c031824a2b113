package dev.cortado.runtime.sandbox;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandboxConfig;

/**
 * A pod as the daemon holds it: its immutable config and its current record. Changes to one pod
 * are made under its monitor ({@code synchronized (sandbox)}).
 */
public final class Sandbox {

    private final PodSandboxConfig config;
    private volatile SandboxRecord record;

    Sandbox(SandboxRecord record) {
        this.record = record;
        try {
            this.config = PodSandboxConfig.parseFrom(record.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("sandbox " + record.id() + " has an unreadable config", e);
        }
    }

    public String id() {
        return record.id();
    }

    public PodSandboxConfig config() {
        return config;
    }

    public SandboxRecord record() {
        return record;
    }

    void update(SandboxRecord next) {
        this.record = next;
    }

    public boolean ready() {
        SandboxRecord current = record;
        return current.ready() && podInitAlive(current);
    }

    /**
     * A pod sharing one PID namespace is usable only while its pod init lives: when pid 1 of a
     * PID namespace dies the kernel kills every process in it and refuses new ones, so the
     * kubelet must see the pod not ready and make a new one. Comparing namespace inodes also
     * guards against the pid having been reused.
     */
    private static boolean podInitAlive(SandboxRecord current) {
        if (current.podInitPid() <= 0 || current.namespaces().pid() == null) {
            return true;
        }
        try {
            Object pinned = java.nio.file.Files.getAttribute(java.nio.file.Path.of(current.namespaces().pid()),
                    "unix:ino");
            Object live = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/" + current.podInitPid()
                    + "/ns/pid"), "unix:ino");
            return pinned.equals(live);
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    public NamespaceOption namespaceOptions() {
        return config.getLinux().getSecurityContext().getNamespaceOptions();
    }

    public boolean hostNetwork() {
        return namespaceOptions().getNetwork() == NamespaceMode.NODE;
    }

    public PodFiles files() {
        return new PodFiles(java.nio.file.Path.of(record.filesDir()));
    }

    /** The name the kubelet knows it by, for messages: namespace/name. */
    public String describe() {
        return config.getMetadata().getNamespace() + "/" + config.getMetadata().getName();
    }
}
