package dev.tracking.bench.sink;

/**
 * A 128-bit hash built up from text and numbers (two 64-bit lanes, FNV-1a and a multiplicative one, finished with
 * MurmurHash3's mixer). Not cryptographic; good enough to tell a million events apart, and allocation-free.
 */
final class KeyHash {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long a = FNV_OFFSET;
    private long b = GOLDEN;

    KeyHash reset() {
        a = FNV_OFFSET;
        b = GOLDEN;
        return this;
    }

    KeyHash add(CharSequence text) {
        if (text == null) {
            return add(-1L);
        }
        for (int i = 0; i < text.length(); i++) {
            addChar(text.charAt(i));
        }
        return addChar('\u0000');
    }

    KeyHash add(char[] text, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            addChar(text[i]);
        }
        return addChar('\u0000');
    }

    KeyHash add(long value) {
        for (int shift = 0; shift < 64; shift += 16) {
            addChar((char) (value >>> shift));
        }
        return this;
    }

    private KeyHash addChar(char c) {
        a = (a ^ c) * FNV_PRIME;
        b = Long.rotateLeft((b + c) * GOLDEN, 29);
        return this;
    }

    /** The high 64 bits of the hash. */
    long high() {
        return mix(a ^ Long.rotateLeft(b, 17));
    }

    /** The low 64 bits of the hash, never zero together with {@link #high()} (zero marks an empty slot). */
    long low() {
        return mix(b + a * GOLDEN) | 1L;
    }

    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
