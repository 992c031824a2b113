package dev.cortado.hack.image;

import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * File content generated from a seed when the layer is written: either random bytes (does not
 * compress) or text-like lines of words (compresses a few times), so benchmark layers look like
 * real ones without holding them in memory.
 */
record SyntheticContent(long size, long seed, boolean text) implements EntryContent {
    private static final int CHUNK = 64 * 1024;
    private static final String[] WORDS = vocabulary();

    @Override
    public void writeTo(OutputStream out) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        long remaining = size;
        while (remaining > 0) {
            int length = (int) Math.min(CHUNK, remaining);
            if (text) {
                fillText(random, chunk, length);
            } else {
                fillRandom(random, chunk, length);
            }
            out.write(chunk, 0, length);
            remaining -= length;
        }
    }

    private static void fillRandom(SplittableRandom random, byte[] chunk, int length) {
        for (int i = 0; i < length; i += 8) {
            long value = random.nextLong();
            for (int b = 0; b < 8 && i + b < length; b++) {
                chunk[i + b] = (byte) (value >>> (8 * b));
            }
        }
    }

    private static void fillText(SplittableRandom random, byte[] chunk, int length) {
        int i = 0;
        int lineLength = 0;
        while (i < length) {
            if (lineLength > 60 + random.nextInt(40)) {
                chunk[i++] = '\n';
                lineLength = 0;
                continue;
            }
            String word = WORDS[random.nextInt(WORDS.length)];
            for (int c = 0; c < word.length() && i < length; c++) {
                chunk[i++] = (byte) word.charAt(c);
            }
            if (i < length) {
                chunk[i++] = ' ';
            }
            lineLength += word.length() + 1;
        }
    }

    /** A fixed vocabulary of pseudo-words, the same in every run. */
    private static String[] vocabulary() {
        SplittableRandom random = new SplittableRandom(0x5eed);
        String[] words = new String[512];
        for (int w = 0; w < words.length; w++) {
            int length = 2 + random.nextInt(9);
            StringBuilder word = new StringBuilder(length);
            for (int c = 0; c < length; c++) {
                word.append((char) ('a' + random.nextInt(26)));
            }
            words[w] = word.toString();
        }
        return words;
    }
}
