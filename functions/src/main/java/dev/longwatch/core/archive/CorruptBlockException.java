package dev.longwatch.core.archive;

/** An archive block whose bytes are not a valid block of the version they claim (damaged or truncated). */
public class CorruptBlockException extends RuntimeException {
    public CorruptBlockException(String message) {
        super(message);
    }
}
