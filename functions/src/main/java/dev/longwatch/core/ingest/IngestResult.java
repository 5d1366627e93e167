package dev.longwatch.core.ingest;

import dev.longwatch.model.Rejection;

import java.util.List;

/** What an ingest call kept and refused; the 202 body. */
public record IngestResult(int accepted, List<Rejection> rejected) {
}
