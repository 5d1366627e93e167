package dev.longwatch.aws.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.core.notify.secret.SecretBox;
import dev.longwatch.testing.HttpReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.net.URI;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * KMS cannot run here, so the adapter is checked on the wire: the SDK's GenerateDataKey and Decrypt requests reach a
 * local receiver that answers like KMS, and a secret sealed with the returned data key opens after a Decrypt.
 */
class KmsSecretSealerWireTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpReceiver kms = new HttpReceiver();
    final KmsClient client = KmsClient.builder().endpointOverride(URI.create(kms.url(""))).region(Region.EU_WEST_1)
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
            .build();

    @AfterEach
    void close() {
        kms.close();
        client.close();
    }

    @Test
    void dataKeysComeFromGenerateDataKeyAndOpenThroughDecryptWithThePurposeContext() throws Exception {
        byte[] plain = new byte[32];
        for (int i = 0; i < 32; i++) {
            plain[i] = (byte) i;
        }
        String blob = Base64.getEncoder().encodeToString("sealed-by-kms".getBytes());
        String key = Base64.getEncoder().encodeToString(plain);
        kms.then(200, Map.of("Content-Type", "application/x-amz-json-1.1"),
                "{\"CiphertextBlob\":\"" + blob + "\",\"Plaintext\":\"" + key + "\",\"KeyId\":\"arn:aws:kms:k\"}");
        kms.then(200, Map.of("Content-Type", "application/x-amz-json-1.1"),
                "{\"Plaintext\":\"" + key + "\",\"KeyId\":\"arn:aws:kms:k\"}");
        KmsSecretSealer sealer = new KmsSecretSealer(client, "alias/longwatch-secrets");
        String sealed = new SecretBox(sealer).seal("https://hooks.slack.com/services/T/B/X", "acme/ch_1/url");
        assertFalse(sealed.contains("hooks.slack.com"));
        // A fresh box (another Lambda container) must ask KMS to open the data key.
        assertEquals("https://hooks.slack.com/services/T/B/X", new SecretBox(sealer).open(sealed, "acme/ch_1/url"));

        assertEquals("TrentService.GenerateDataKey", kms.requests().get(0).header("x-amz-target"));
        JsonNode gen = JSON.readTree(kms.requests().get(0).body());
        assertEquals("alias/longwatch-secrets", gen.get("KeyId").asText());
        assertEquals("AES_256", gen.get("KeySpec").asText());
        assertEquals("longwatch-channel-secrets", gen.get("EncryptionContext").get("purpose").asText());
        assertEquals(2, kms.requests().size());
        assertEquals("TrentService.Decrypt", kms.requests().get(1).header("x-amz-target"));
        JsonNode dec = JSON.readTree(kms.requests().get(1).body());
        assertEquals(blob, dec.get("CiphertextBlob").asText());
    }
}
