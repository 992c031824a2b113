package dev.cortado.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ImageStatusRequest;
import dev.cortado.cri.v1.ImageStatusResponse;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DaemonSmokeTest {

    @Test
    void pullsAndReportsAnImage() throws Exception {
        Path dir = TempDirs.create("cortado-smoke");
        try (LocalRegistry registry = LocalRegistry.start();
             DaemonProcess daemon = DaemonProcess.start(dir)) {
            TestImage busybox = TestImages.busybox(registry);
            String id = daemon.client().images().pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build()).getImageRef();
            assertEquals(busybox.imageId(), id);
            ImageStatusResponse status = daemon.client().images().imageStatus(ImageStatusRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(busybox.reference())).setVerbose(true).build());
            System.out.println(status);
            System.out.println(daemon.log());
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
