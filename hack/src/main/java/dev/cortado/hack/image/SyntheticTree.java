package dev.cortado.hack.image;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans the files of one benchmark layer from a seed: mostly small files, some medium, a few of
 * several MB; about 40% random bytes and 60% text. Only the plan is kept in memory; content is
 * generated while the tar is written.
 */
final class SyntheticTree {
    private static final int FILES_PER_DIR = 40;

    private SyntheticTree() {
    }

    /** Entries totalling about {@code bytes} of file content under {@code data/layerN/}. */
    static List<LayerEntry> plan(int layerIndex, long bytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + layerIndex);
        List<LayerEntry> entries = new ArrayList<>();
        String root = "data/layer" + layerIndex;
        entries.add(LayerEntry.dir("data"));
        entries.add(LayerEntry.dir(root));
        long planned = 0;
        int fileIndex = 0;
        while (planned < bytes) {
            if (fileIndex % FILES_PER_DIR == 0) {
                entries.add(LayerEntry.dir(root + "/d" + (fileIndex / FILES_PER_DIR)));
            }
            long size = Math.min(pickSize(random), bytes - planned);
            boolean text = random.nextInt(10) < 6;
            String name = root + "/d" + (fileIndex / FILES_PER_DIR) + "/f" + fileIndex + (text ? ".txt" : ".bin");
            entries.add(LayerEntry.file(name, new SyntheticContent(size, random.nextLong(), text)));
            planned += size;
            fileIndex++;
        }
        return entries;
    }

    private static long pickSize(SplittableRandom random) {
        int bucket = random.nextInt(1000);
        if (bucket < 700) {
            return 256 + random.nextInt(8 * 1024);
        }
        if (bucket < 950) {
            return 8 * 1024 + random.nextInt(120 * 1024);
        }
        if (bucket < 995) {
            return 128 * 1024 + random.nextInt(896 * 1024);
        }
        return 1024 * 1024 + random.nextInt(3 * 1024 * 1024);
    }
}
