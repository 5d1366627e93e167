package dev.longwatch.core.archive;

/**
 * An archive block written in a format version this reader does not know. It is refused, never guessed at:
 * the block stays where it is (the compactor neither merges nor deletes it) until a Longwatch that reads the
 * version is deployed.
 */
public final class UnsupportedBlockVersionException extends CorruptBlockException {
    private final int version;

    public UnsupportedBlockVersionException(int version, int supported) {
        this(version, supported, null);
    }

    /** The same refusal, naming the object it came from. */
    public UnsupportedBlockVersionException(int version, int supported, String key) {
        super((key == null ? "" : key + ": ") + "archive block format version " + version
                + " is not supported: this Longwatch reads version " + supported
                + "; upgrade Longwatch to read the block (it is left untouched)");
        this.version = version;
    }

    public int version() {
        return version;
    }
}
