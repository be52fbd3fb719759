package io.sluice.log;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Key to latest offset for one cleaning pass, as Kafka's cleaner keeps it: keys are stored as their
 * 16-byte MD5 digest (a collision would need astronomically many keys) next to the offset, in one
 * flat buffer with linear probing, so building the map allocates nothing per record.
 */
final class OffsetMap {
    private static final int HASH_SIZE = 16;
    private static final int SLOT_SIZE = HASH_SIZE + Long.BYTES;
    /** Fill at most this share of the slots so probes stay short. */
    private static final double LOAD_FACTOR = 0.9;

    private final ByteBuffer slots;
    private final int slotCount;
    private final int maxEntries;
    private final MessageDigest digest;
    private final byte[] hash = new byte[HASH_SIZE];
    private int entries;
    private long latestOffset = -1;

    /** A map that accepts up to maxEntries distinct keys. */
    OffsetMap(int maxEntries) {
        this.maxEntries = Math.max(1, maxEntries);
        this.slotCount = (int) Math.min(Integer.MAX_VALUE / SLOT_SIZE, (long) Math.ceil(this.maxEntries / LOAD_FACTOR) + 1);
        this.slots = ByteBuffer.allocate(slotCount * SLOT_SIZE);
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** Records the offset as the latest for the key (offsets arrive in increasing order). */
    void put(ByteBuffer key, long offset) {
        hashInto(key);
        int slot = findSlot();
        int position = slot * SLOT_SIZE;
        if (isEmpty(position)) {
            slots.put(position, hash);
            entries++;
        }
        slots.putLong(position + HASH_SIZE, offset);
        latestOffset = offset;
    }

    /** The latest offset recorded for the key, or -1 if it was never seen. */
    long get(ByteBuffer key) {
        hashInto(key);
        int position = findSlot() * SLOT_SIZE;
        return isEmpty(position) ? -1 : slots.getLong(position + HASH_SIZE);
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    int size() {
        return entries;
    }

    /** The offset of the last put, or -1. */
    long latestOffset() {
        return latestOffset;
    }

    /** The slot holding the current hash, or the empty slot where it would go. */
    private int findSlot() {
        int start = Math.floorMod(ByteBuffer.wrap(hash).getInt(), slotCount);
        int slot = start;
        while (true) {
            int position = slot * SLOT_SIZE;
            if (isEmpty(position) || matches(position)) {
                return slot;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
            if (slot == start) {
                throw new IllegalStateException("Offset map is full");
            }
        }
    }

    private boolean matches(int position) {
        return Arrays.equals(slots.array(), position, position + HASH_SIZE, hash, 0, HASH_SIZE);
    }

    /** A slot is empty while its hash is all zeros; an MD5 digest of all zeros does not occur in practice. */
    private boolean isEmpty(int position) {
        byte[] array = slots.array();
        for (int i = position; i < position + HASH_SIZE; i++) {
            if (array[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private void hashInto(ByteBuffer key) {
        digest.update(key.duplicate());
        try {
            digest.digest(hash, 0, HASH_SIZE);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
