package dev.anchor.core.capacity;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A first-in first-out queue of ints that grows when full: slot and address indexes without a box
 * each. It starts small, so a pool's memory follows the pairs it has handed back, not its size.
 * Not thread-safe; its owner's lock guards it.
 */
final class IntRing {
    private int[] items;
    private int head;
    private int size;

    IntRing(int initialCapacity) {
        items = new int[Math.max(2, initialCapacity)];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void add(int value) {
        if (size == items.length) {
            grow();
        }
        items[(head + size) % items.length] = value;
        size++;
    }

    int peek() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return items[head];
    }

    int poll() {
        int value = peek();
        head = (head + 1) % items.length;
        size--;
        return value;
    }

    private void grow() {
        // unroll so that the oldest item is at 0 again
        int[] bigger = new int[items.length * 2];
        int firstPart = Math.min(size, items.length - head);
        System.arraycopy(items, head, bigger, 0, firstPart);
        System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
        items = bigger;
        head = 0;
    }

    @Override
    public String toString() {
        int[] inOrder = new int[size];
        for (int i = 0; i < size; i++) {
            inOrder[i] = items[(head + i) % items.length];
        }
        return Arrays.toString(inOrder);
    }
}
