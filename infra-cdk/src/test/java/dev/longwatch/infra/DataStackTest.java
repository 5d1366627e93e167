package dev.longwatch.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataStackTest {

    private static Map<String, Object> table(Installation i, Object table) {
        return Cfn.resources(i.data(), "AWS::DynamoDB::Table")
                .get(Installation.logicalId((software.constructs.IConstruct) table));
    }

    private static Object keySchema(Installation i, Object table) {
        return Cfn.properties(table(i, table)).get("KeySchema");
    }

    @Test
    void tablesHaveTheKeySchemasTheFunctionsExpect() {
        Installation i = Installation.defaults();
        var t = i.stacks.data().tables();
        List<Map<String, String>> pkSk = List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"),
                Map.of("AttributeName", "sk", "KeyType", "RANGE"));
        assertEquals(pkSk, keySchema(i, t.rollups()));
        assertEquals(pkSk, keySchema(i, t.series()));
        assertEquals(pkSk, keySchema(i, t.events()));
        assertEquals(pkSk, keySchema(i, t.state()));
        assertEquals(pkSk, keySchema(i, t.alerting()));
        assertEquals(pkSk, keySchema(i, t.notifications()));
        assertEquals(List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")), keySchema(i, t.apiKeys()),
                "api-keys is looked up by the key's hash alone");
        // Keys are strings (TableSetup creates them as S on DynamoDB Local).
        i.data().allResourcesProperties("AWS::DynamoDB::Table", Map.of("AttributeDefinitions",
                Match.arrayWith(List.of(Map.of("AttributeName", "pk", "AttributeType", "S")))));
        i.data().resourceCountIs("AWS::DynamoDB::Table", 7);
        // Alerting has no index: every key starts with the tenant.
        assertFalse(Cfn.properties(table(i, t.alerting())).containsKey("GlobalSecondaryIndexes"));
    }

    @Test
    void theNotifierFindsDueWorkThroughTheIndexTableSetupCreates() {
        Installation i = Installation.defaults();
        Object gsis = Cfn.properties(table(i, i.stacks.data().tables().notifications())).get("GlobalSecondaryIndexes");
        assertEquals(List.of(Map.of("IndexName", "gsi1",
                "KeySchema", List.of(Map.of("AttributeName", "gsi1pk", "KeyType", "HASH"),
                        Map.of("AttributeName", "gsi1sk", "KeyType", "RANGE")),
                "Projection", Map.of("ProjectionType", "ALL"))), gsis);
    }

    @Test
    void tablesAreOnDemandWithPointInTimeRecovery() {
        Installation.defaults().data().allResourcesProperties("AWS::DynamoDB::Table", Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
    }

    @Test
    void rollupsEventsAlertingAndNotificationsExpireByTheTtlAttribute() {
        Installation i = Installation.defaults();
        var t = i.stacks.data().tables();
        Map<String, Object> ttl = Map.of("AttributeName", "ttl", "Enabled", true);
        assertEquals(ttl, Cfn.properties(table(i, t.rollups())).get("TimeToLiveSpecification"));
        assertEquals(ttl, Cfn.properties(table(i, t.events())).get("TimeToLiveSpecification"));
        // Transitions, the delivery log and expired silences go by themselves.
        assertEquals(ttl, Cfn.properties(table(i, t.alerting())).get("TimeToLiveSpecification"));
        assertEquals(ttl, Cfn.properties(table(i, t.notifications())).get("TimeToLiveSpecification"));
        assertFalse(Cfn.properties(table(i, t.series())).containsKey("TimeToLiveSpecification"),
                "the series catalogue must not expire under live series");
        assertFalse(Cfn.properties(table(i, t.apiKeys())).containsKey("TimeToLiveSpecification"));
        assertFalse(Cfn.properties(table(i, t.state())).containsKey("TimeToLiveSpecification"));
    }

    @Test
    void tablesAreRetainedInProduction() {
        Template data = Installation.production().data();
        data.allResources("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", true))));
        assertTrue(Installation.production().stacks.data().getTerminationProtection(),
                "production stacks are protected from `cdk destroy` by accident");
    }

    @Test
    void tablesAreDeletedWithTheStackOutsideProduction() {
        Template data = Installation.defaults().data();
        data.allResources("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Delete",
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", false))));
        assertFalse(Installation.defaults().stacks.data().getTerminationProtection());
    }

    @Test
    void kinesisOnDemandByDefaultAndProvisionedOnRequest() {
        Map<String, Object> onDemand = Cfn.properties(Cfn.onlyResource(Installation.defaults().data(),
                "AWS::Kinesis::Stream"));
        assertEquals(Map.of("StreamMode", "ON_DEMAND"), onDemand.get("StreamModeDetails"));
        assertFalse(onDemand.containsKey("ShardCount"));

        Map<String, Object> provisioned = Cfn.properties(Cfn.onlyResource(Installation.production().data(),
                "AWS::Kinesis::Stream"));
        assertEquals(Map.of("StreamMode", "PROVISIONED"), provisioned.get("StreamModeDetails"));
        assertEquals(4, ((Number) provisioned.get("ShardCount")).intValue());
        assertEquals(48, ((Number) provisioned.get("RetentionPeriodHours")).intValue());
    }

    @Test
    void theStreamIsEncryptedAtRest() {
        Installation.defaults().data().hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
    }
}
