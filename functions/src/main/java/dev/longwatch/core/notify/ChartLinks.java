package dev.longwatch.core.notify;

import dev.longwatch.model.alerting.AlertTransition;

/** Port: a link to a chart image of the alert's last hours (threshold and events marked), or null. */
public interface ChartLinks {
    ChartLinks NONE = (t, now) -> null;

    String chartUrl(AlertTransition alert, long now);
}
