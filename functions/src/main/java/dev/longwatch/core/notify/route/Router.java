package dev.longwatch.core.notify.route;

import dev.longwatch.model.alerting.AlertTransition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Picks the routes of a transition: the monitor's own channels if it names any, else the tenant's routes. */
public final class Router {
    private Router() {
    }

    public static List<Route> routes(AlertTransition t, List<Route> tenantRoutes) {
        if (!t.channels().isEmpty()) {
            return List.of(Route.forMonitorChannels(t.channels()));
        }
        List<Route> sorted = new ArrayList<>(tenantRoutes);
        sorted.sort(Comparator.comparingInt(Route::order).thenComparing(Route::id));
        List<Route> out = new ArrayList<>();
        for (Route r : sorted) {
            if (!r.isDefault() && r.matches(t.labels())) {
                out.add(r);
                if (!r.continueMatching()) {
                    return out;
                }
            }
        }
        if (out.isEmpty()) {
            sorted.stream().filter(Route::isDefault).findFirst().ifPresent(out::add);
        }
        return out;
    }
}
