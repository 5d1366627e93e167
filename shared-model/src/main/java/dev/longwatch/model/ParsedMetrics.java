package dev.longwatch.model;

import java.util.List;

/** The outcome of reading a metrics payload: what is kept, how many points that is, and what was refused. */
public record ParsedMetrics(List<Series> series, int acceptedPoints, List<Rejection> rejected) {
}
