package dev.longwatch.core.notify.secret;

/**
 * Port: data keys for envelope encryption. A new data key comes in clear (used once, in memory) and sealed (stored
 * beside the ciphertext); opening a sealed key gives the clear key back. AWS: KMS GenerateDataKey/Decrypt;
 * local-dev and tests: a key file.
 */
public interface SecretSealer {

    record DataKey(byte[] plaintext, byte[] sealed) {
    }

    DataKey newDataKey();

    byte[] openDataKey(byte[] sealed);
}
