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
        return record.ready();
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
