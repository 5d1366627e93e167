package dev.longwatch.core.ingest;

/** The stream did not take every record after retries. Answered with 503 and Retry-After. */
public class StreamUnavailableException extends RuntimeException {
    private final int failedRecords;

    public StreamUnavailableException(String message, int failedRecords, Throwable cause) {
        super(message, cause);
        this.failedRecords = failedRecords;
    }

    public int failedRecords() {
        return failedRecords;
    }
}
