package dev.longwatch.core.notify;

/** Waits between two messages to one destination (its per-second limit). Tests pass one that moves their clock. */
public interface Pacer {
    Pacer SLEEP = millis -> {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    void pause(long millis);
}
