package dev.cortado.runtime.oci;

import java.nio.file.Path;

/**
 * Host paths of what a pod shares with each of its containers; each may be null when the pod
 * has none (then nothing is mounted there and the image's own file shows).
 *
 * @param resolvConf bound at /etc/resolv.conf
 * @param hosts      bound at /etc/hosts
 * @param hostname   bound at /etc/hostname
 * @param devShm     bound at /dev/shm: the pod's shm directory when IPC is per pod, the host's
 *                   /dev/shm with host IPC; null gives the container a tmpfs of its own
 */
public record PodFiles(Path resolvConf, Path hosts, Path hostname, Path devShm) {

    public static final PodFiles NONE = new PodFiles(null, null, null, null);
}
