package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A CRI log file read back record by record, every line checked against the format. */
record CriLog(List<Entry> entries) {
    private static final Pattern RECORD = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z) (stdout|stderr) ([PF]) (.*)", Pattern.DOTALL);

    record Entry(Instant time, String stream, String tag, String text) {
        /** "stdout F text", the form tests compare. */
        String brief() {
            return stream + " " + tag + " " + text;
        }
    }

    static CriLog read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return new CriLog(entries);
        }
        String content = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(content.isEmpty() || content.endsWith("\n"), "log ends with a newline: " + content);
        for (String line : content.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = RECORD.matcher(line);
            assertTrue(m.matches(), "CRI log record format: \"" + line + "\"");
            entries.add(new Entry(Instant.parse(m.group(1)), m.group(2), m.group(3), m.group(4)));
        }
        return new CriLog(entries);
    }

    List<String> briefs() {
        return entries.stream().map(Entry::brief).toList();
    }

    List<String> briefs(String stream) {
        return entries.stream().filter(e -> e.stream().equals(stream)).map(Entry::brief).toList();
    }

    boolean contains(String text) {
        return entries.stream().anyMatch(e -> e.text().contains(text));
    }
}
