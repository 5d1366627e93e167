package dev.longwatch.handler;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients {@link AwsWiring} builds its adapters on: by default for the function's own region and
 * credentials. Tests override these methods to point the very same wiring at emulators (DynamoDB Local, s3proxy, a
 * local receiver speaking KMS on the wire). Each method is called at most once per wiring for a given use.
 */
class SdkClients {

    DynamoDbClient dynamo() {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    S3Client s3() {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Presigns the chart links handed out in messages and chat answers. */
    S3Presigner presigner() {
        return S3Presigner.create();
    }

    KmsClient kms() {
        return KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    SnsClient sns() {
        return SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    SqsClient sqs() {
        return SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }
}
