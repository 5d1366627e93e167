package dev.longwatch.aws.kms;

import dev.longwatch.core.notify.secret.SecretSealer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import java.util.Map;

/**
 * Data keys from KMS ({@code LONGWATCH_SECRETS_KEY_ID}): GenerateDataKey (AES-256) for new secrets, Decrypt to
 * open a stored one. The encryption context names the purpose, so the key policy can limit the function to it.
 */
public final class KmsSecretSealer implements SecretSealer {
    static final Map<String, String> CONTEXT = Map.of("purpose", "longwatch-channel-secrets");
    private final KmsClient kms;
    private final String keyId;

    public KmsSecretSealer(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public DataKey newDataKey() {
        GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(CONTEXT));
        return new DataKey(r.plaintext().asByteArray(), r.ciphertextBlob().asByteArray());
    }

    @Override
    public byte[] openDataKey(byte[] sealed) {
        DecryptResponse r = kms.decrypt(b -> b.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(sealed))
                .encryptionContext(CONTEXT));
        return r.plaintext().asByteArray();
    }
}
