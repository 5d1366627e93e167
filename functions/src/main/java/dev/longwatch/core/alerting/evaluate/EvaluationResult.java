package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.model.alerting.Severity;

/**
 * What one evaluation of one group found, before the state machine applies pending, M of N, hysteresis and
 * flapping rules.
 *
 * @param status    see {@link Status}
 * @param level     for BREACHING: {@code CRITICAL} when the critical level is crossed, {@code WARNING} when only
 *                  the warning level is
 * @param value     the evaluated value, or null (no data, absence)
 * @param threshold the level compared with, or null
 * @param error     for ERROR: what went wrong
 */
public record EvaluationResult(Status status, Severity level, Double value, Double threshold, String error) {

    public enum Status {
        /** Over a level. */
        BREACHING,
        /** Not over any level, but not past the recovery level either: a FIRING instance keeps firing. */
        RECOVERING,
        /** Within limits. */
        OK,
        /** Nothing to evaluate. */
        NO_DATA,
        /** The evaluation failed (a query the data cannot answer); shown as ERROR, never as OK. */
        ERROR
    }

    public static EvaluationResult breaching(Severity level, Double value, Double threshold) {
        return new EvaluationResult(Status.BREACHING, level, value, threshold, null);
    }

    public static EvaluationResult ok(Double value, Double threshold) {
        return new EvaluationResult(Status.OK, null, value, threshold, null);
    }

    public static EvaluationResult recovering(Double value, Double threshold) {
        return new EvaluationResult(Status.RECOVERING, null, value, threshold, null);
    }

    public static EvaluationResult noData() {
        return new EvaluationResult(Status.NO_DATA, null, null, null, null);
    }

    public static EvaluationResult error(String error) {
        return new EvaluationResult(Status.ERROR, null, null, null, error);
    }
}
