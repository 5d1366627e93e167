package dev.longwatch.model;

import java.util.List;

/** The outcome of reading an events payload: the events kept and the ones refused. */
public record ParsedEvents(List<Event> events, List<Rejection> rejected) {
}
