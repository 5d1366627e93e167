package dev.longwatch.core.notify.secret;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seals channel secrets with AES-256-GCM under a data key from a {@link SecretSealer} (envelope encryption). The
 * sealed form is {@code v1.<sealed data key>.<iv>.<ciphertext+tag>}, all base64url, and is bound to its owner by the
 * associated data (tenant, channel id, field): a sealed value copied to another channel does not open.
 * One data key is used per process (fewer KMS calls); opened data keys are cached by their sealed form.
 */
public final class SecretBox {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    private static final int MAX_CACHED_KEYS = 256;

    private final SecretSealer sealer;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, byte[]> opened = new LinkedHashMap<>();
    private SecretSealer.DataKey current;

    public SecretBox(SecretSealer sealer) {
        this.sealer = sealer;
    }

    public String seal(String plaintext, String context) {
        SecretSealer.DataKey key = dataKey();
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        byte[] ct = crypt(Cipher.ENCRYPT_MODE, key.plaintext(), iv, context, plaintext.getBytes(StandardCharsets.UTF_8));
        return "v1." + B64.encodeToString(key.sealed()) + "." + B64.encodeToString(iv) + "." + B64.encodeToString(ct);
    }

    public String open(String sealed, String context) {
        String[] p = sealed.split("\\.");
        if (p.length != 4 || !p[0].equals("v1")) {
            throw new IllegalStateException("a sealed secret has an unknown format");
        }
        byte[] key = openKey(p[1]);
        byte[] pt = crypt(Cipher.DECRYPT_MODE, key, D64.decode(p[2]), context, D64.decode(p[3]));
        return new String(pt, StandardCharsets.UTF_8);
    }

    private synchronized SecretSealer.DataKey dataKey() {
        if (current == null) {
            current = sealer.newDataKey();
            opened.put(B64.encodeToString(current.sealed()), current.plaintext());
        }
        return current;
    }

    private synchronized byte[] openKey(String sealedKey) {
        byte[] k = opened.get(sealedKey);
        if (k == null) {
            k = sealer.openDataKey(D64.decode(sealedKey));
            if (opened.size() >= MAX_CACHED_KEYS) {
                opened.clear();
            }
            opened.put(sealedKey, k);
        }
        return k;
    }

    private static byte[] crypt(int mode, byte[] key, byte[] iv, String context, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            // No detail: the message must not help anyone guess, and the value must never reach a log.
            throw new IllegalStateException("a channel secret cannot be " + (mode == Cipher.ENCRYPT_MODE ? "sealed"
                    : "opened") + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
