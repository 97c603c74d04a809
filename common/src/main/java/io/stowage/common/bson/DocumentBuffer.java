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
    private byte[] ascii = new byte[64];

    public DocumentBuffer(int initialSize) {
        super(initialSize);
    }

    @Override
    protected int writeCharacters(String str, boolean checkForNullCharacters) {
        int length = str.length();
        if (!isAscii(str, checkForNullCharacters)) {
            return super.writeCharacters(str, checkForNullCharacters);
        }
        if (ascii.length <= length) {
            ascii = new byte[Math.max(length + 1, 2 * ascii.length)];
        }
        copyAscii(str, ascii);
        ascii[length] = 0;
        writeBytes(ascii, 0, length + 1);
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
    private static void copyAscii(String str, byte[] into) {
        str.getBytes(0, str.length(), into, 0);
    }
}
