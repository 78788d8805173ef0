package dev.anchor.nio;

import java.nio.channels.SelectionKey;

/** What a selection key is attached to: the one object that handles its channel's readiness. */
interface Selectable {
    void ready(SelectionKey key);
}
