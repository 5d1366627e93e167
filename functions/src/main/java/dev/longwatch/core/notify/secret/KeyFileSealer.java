package dev.longwatch.core.notify.secret;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Local-dev and tests: data keys sealed with AES-GCM under a 256-bit master key kept in a file (created with
 * owner-only permissions on first use). Plays the part KMS plays on AWS.
 */
public final class KeyFileSealer implements SecretSealer {
    private final byte[] master;
    private final SecureRandom random = new SecureRandom();

    public KeyFileSealer(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] k = new byte[32];
                random.nextBytes(k);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(file, k);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows keeps the default permissions.
                }
            }
            this.master = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secrets key file", e);
        }
        if (master.length != 32) {
            throw new IllegalStateException("the secrets key file must hold 32 bytes");
        }
    }

    @Override
    public DataKey newDataKey() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        byte[] ct = crypt(Cipher.ENCRYPT_MODE, iv, k);
        byte[] sealed = new byte[12 + ct.length];
        System.arraycopy(iv, 0, sealed, 0, 12);
        System.arraycopy(ct, 0, sealed, 12, ct.length);
        return new DataKey(k, sealed);
    }

    @Override
    public byte[] openDataKey(byte[] sealed) {
        return crypt(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, 12), Arrays.copyOfRange(sealed, 12, sealed.length));
    }

    private byte[] crypt(int mode, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(master, "AES"), new GCMParameterSpec(128, iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a data key cannot be " + (mode == Cipher.ENCRYPT_MODE ? "sealed" : "opened")
                    + " with the key file (" + e.getClass().getSimpleName() + ")");
        }
    }
}
