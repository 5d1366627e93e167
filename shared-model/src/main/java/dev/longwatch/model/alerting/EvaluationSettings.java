package dev.longwatch.model.alerting;

import java.time.Duration;

/**
 * How often and how strictly a monitor is evaluated (see docs/alerting.md): every {@code every} (whole minutes),
 * over data up to {@code delay} (whole minutes) before the evaluated minute, the platform's settle time after that
 * minute having already let the rollups catch up (so the default delay is 0: extra minutes for late sources only); firing when {@code datapoints} of the last {@code outOf} evaluations breach
 * for {@code pendingFor}; resolving after {@code keepFiringFor} recovered; {@code noData} decides what missing data
 * means; more than {@code flapChanges} state changes within {@code flapWindow} mark the instance FLAPPING.
 */
public record EvaluationSettings(Duration every, Duration delay, int datapoints, int outOf, Duration pendingFor,
                                 Duration keepFiringFor, NoDataPolicy noData, int flapChanges, Duration flapWindow) {
    public static final EvaluationSettings DEFAULT = new EvaluationSettings(Duration.ofMinutes(1),
            Duration.ZERO, 1, 1, Duration.ZERO, Duration.ZERO, NoDataPolicy.NO_DATA, 6, Duration.ofHours(1));
}
