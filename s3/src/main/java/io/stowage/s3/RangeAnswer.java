package io.stowage.s3;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The asked range out of what a store sent, when it sent more: HTTP lets a server ignore Range (a
 * 200 with the whole object) or answer a wider one (s3rver sends the whole object, with a
 * Content-Range saying so, for {@code bytes=0-0}).
 */
final class RangeAnswer {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+");

    private RangeAnswer() {}

    static byte[] requestedPart(byte[] bytes, long offset, int length, String contentRange) {
        if (bytes.length == length) {
            return bytes;
        }
        long start = 0;
        if (contentRange != null) {
            Matcher m = CONTENT_RANGE.matcher(contentRange);
            if (!m.lookingAt()) {
                return bytes;
            }
            start = Long.parseLong(m.group(1));
        }
        if (start > offset || start + bytes.length < offset + length) {
            return bytes;
        }
        int from = (int) (offset - start);
        return Arrays.copyOfRange(bytes, from, from + length);
    }
}
