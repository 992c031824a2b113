package dev.cortado.linux;

/**
 * glibc's encoding of a {@code dev_t} from major and minor numbers (12+20 bit major, 8+12+...
 * bit minor split across the word), so that values match {@code stat}'s {@code st_rdev} and
 * Java's {@code unix:rdev} attribute.
 */
public final class DeviceNumbers {

    private DeviceNumbers() {
    }

    public static long makedev(long major, long minor) {
        return ((major & 0x00000fffL) << 8)
                | ((major & 0xfffff000L) << 32)
                | (minor & 0x000000ffL)
                | ((minor & 0xffffff00L) << 12);
    }

    public static long major(long dev) {
        return ((dev >>> 8) & 0x00000fffL) | ((dev >>> 32) & 0xfffff000L);
    }

    public static long minor(long dev) {
        return (dev & 0x000000ffL) | ((dev >>> 12) & 0xffffff00L);
    }
}
