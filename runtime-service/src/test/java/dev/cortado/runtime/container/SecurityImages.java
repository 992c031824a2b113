package dev.cortado.runtime.container;

import dev.cortado.hack.image.BusyboxRootfs;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.LayerEntry;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * {@code security:latest}: busybox plus what the security-context tests need: a setuid-root copy
 * of busybox at /suid/busybox (its {@code su} applet insists on being setuid), root with an empty
 * password so that {@code su} asks for none, a user app (1000:1000) who /etc/group lists in wheel
 * (10) and staff (50).
 */
final class SecurityImages {

    static final int APP_UID = 1000;
    static final String SUID_BUSYBOX = "/suid/busybox";

    private SecurityImages() {
    }

    static TestImage security(LocalRegistry registry) {
        byte[] busybox;
        try {
            busybox = Files.readAllBytes(BusyboxRootfs.BUSYBOX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BusyboxRootfs.BUSYBOX, e);
        }
        String passwd = BusyboxRootfs.PASSWD.replace("root:x:0:0:", "root::0:0:")
                + "app:x:" + APP_UID + ":" + APP_UID + ":app:/home/app:/bin/sh\n";
        String group = BusyboxRootfs.GROUP + "wheel:x:10:root,app\nstaff:x:50:app\napp:x:" + APP_UID + ":\n";
        LayerBuilder layer = new LayerBuilder()
                .dir("etc", 0755)
                .file("etc/passwd", passwd, 0644)
                .file("etc/group", group, 0644)
                .dir("suid", 0755)
                .add(LayerEntry.file("suid/busybox", busybox).withMode(04755).withOwner(0, 0));
        return TestImages.withLayers(registry, "security", "latest", layer);
    }
}
