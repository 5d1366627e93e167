package dev.longwatch.core.notify.mute;

import java.util.Map;
import java.util.Optional;

/** Decides whether an alert with these labels is muted at a moment: silences, maintenance windows, inhibition. */
public interface Muter {

    /** Why an alert is muted and until when (epoch ms; {@code Long.MAX_VALUE} when it has no known end). */
    record Mute(String kind, String id, String reason, long until) {
    }

    Optional<Mute> mutes(Map<String, String> labels, long at);
}
