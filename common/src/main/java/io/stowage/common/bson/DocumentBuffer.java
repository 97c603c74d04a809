package io.stowage.common.bson;

import org.bson.io.BasicOutputBuffer;

/**
 * The buffer documents are encoded into: a {@link BasicOutputBuffer} that writes a string of ASCII
 * characters in one copy. The BSON writer puts every field name and string value through
 * {@code OutputBuffer.writeCharacters}, which writes a byte at a time with a capacity check for
 * each: a tenth of the api-server's CPU during B1 (JFR). Other strings, and a name with a NUL
 * (which BSON refuses), go the library's own way, so the bytes and the errors stay the library's.
 */
public final class DocumentBuffer extends BasicOutputBuffer {
    /** Most bytes copied at once: a long string goes through in pieces, not through a copy of its size. */
    private static final int CHUNK = 4096;
    private byte[] ascii;

    public DocumentBuffer(int initialSize) {
        super(initialSize);
    }

    @Override
    protected int writeCharacters(String str, boolean checkForNullCharacters) {
        int length = str.length();
        if (!isAscii(str, checkForNullCharacters)) {
            return super.writeCharacters(str, checkForNullCharacters);
        }
        int piece = Math.min(length, CHUNK);
        if (ascii == null || ascii.length < piece) {
            ascii = new byte[Math.max(64, piece)];
        }
        for (int from = 0; from < length; from += ascii.length) {
            int to = Math.min(length, from + ascii.length);
            copyAscii(str, from, to, ascii);
            writeBytes(ascii, 0, to - from);
        }
        writeByte(0);
        return length + 1;
    }

    /** Whether every character is below 0x80 (and not NUL, when {@code noNul}): one byte each in UTF-8. */
    private static boolean isAscii(String str, boolean noNul) {
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            if (c >= 0x80 || (noNul && c == 0)) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("deprecation") // the low byte of each char, which for ASCII is its UTF-8 encoding
    private static void copyAscii(String str, int from, int to, byte[] into) {
        str.getBytes(from, to, into, 0);
    }
}
