package dev.longwatch.infra;

import dev.longwatch.infra.construct.FunctionSettings;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongwatchConfigTest {

    private static LongwatchConfig read(Map<String, Object> context) {
        return LongwatchConfig.fromContext(App.Builder.create().context(context).build().getNode());
    }

    @Test
    void noContextGivesTheDocumentedDefaults() {
        LongwatchConfig c = read(Map.of());
        assertEquals(LongwatchConfig.defaults(), c);
        assertEquals("dev", c.stage());
        assertTrue(c.onDemandStream());
        assertEquals(10, c.batchingWindowSeconds(), "a minute's rollups are written before its evaluation");
        assertTrue(c.batchingWindowSeconds() < AlertingConfig.DEFAULT_SETTLE_SECONDS);
        assertEquals(60, c.archiveBatchingWindowSeconds());
        assertEquals(Optional.empty(), c.alarmEmail());
        assertEquals(RetentionDays.ONE_MONTH, c.logRetention());
    }

    @Test
    void commandLineStringsAreReadAsNumbers() {
        LongwatchConfig c = read(Map.of("kinesisShards", "4", "batchingWindowSeconds", " 5 ", "alarmEmail", " "));
        assertEquals(4, c.kinesisShards());
        assertEquals(5, c.batchingWindowSeconds());
        assertEquals(Optional.empty(), c.alarmEmail(), "a blank e-mail means none");
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("kinesisShards", "-1")));
        assertTrue(e.getMessage().contains("'kinesisShards' is '-1'") && e.getMessage().contains("between 0 and 500"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("batchingWindowSeconds", "a minute")));
        assertTrue(e.getMessage().contains("'batchingWindowSeconds'") && e.getMessage().contains("whole number"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("stage", "Prod_1")));
        assertTrue(e.getMessage().contains("'stage'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("alarmEmail", "ops")));
        assertTrue(e.getMessage().contains("'alarmEmail'"), e.getMessage());
    }

    @Test
    void logRetentionMustBeAPeriodCloudWatchAccepts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("logRetentionDays", 31)));
        assertTrue(e.getMessage().contains("30") && e.getMessage().contains("60"), e.getMessage());
        assertEquals(RetentionDays.ONE_YEAR, read(Map.of("logRetentionDays", 365)).logRetention());
        assertEquals(RetentionDays.INFINITE, read(Map.of("logRetentionDays", 0)).logRetention());
    }

    @Test
    void recordsCannotBeRetriedLongerThanTheStreamKeepsThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("rollupMaxRecordAgeHours", 30)));
        assertTrue(e.getMessage().contains("streamRetentionHours"), e.getMessage());
        assertEquals(30, read(Map.of("rollupMaxRecordAgeHours", 30, "streamRetentionHours", 48))
                .rollupMaxRecordAgeHours());
    }

    @Test
    void rollupRetentionDefaultsToTheFunctionsDefaultsAndIsReadFromContext() {
        LongwatchConfig d = read(Map.of());
        assertEquals(List.of(30, 1827, 3653), List.of(d.minuteRetentionDays(), d.hourRetentionDays(),
                d.dayRetentionDays()));
        LongwatchConfig c = read(Map.of("minuteRetentionDays", "90", "hourRetentionDays", 400,
                "dayRetentionDays", "4000"));
        assertEquals(Map.of("LONGWATCH_RETENTION_MINUTE_DAYS", "90", "LONGWATCH_RETENTION_HOUR_DAYS", "400",
                "LONGWATCH_RETENTION_DAY_DAYS", "4000"), c.rollupRetention().environment());
    }

    @Test
    void rollupRetentionMustNotShrinkFromMinutesToHoursToDays() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("minuteRetentionDays", 0)));
        assertTrue(e.getMessage().contains("'minuteRetentionDays' is '0'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("hourRetentionDays", 20)));
        assertTrue(e.getMessage().contains("'hourRetentionDays' is '20'") && e.getMessage().contains("minuteRetentionDays"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("dayRetentionDays", 1000)));
        assertTrue(e.getMessage().contains("'dayRetentionDays'") && e.getMessage().contains("hourRetentionDays"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("minuteRetentionDays", "a month")));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
        assertEquals(7, read(Map.of("minuteRetentionDays", 7, "hourRetentionDays", 7, "dayRetentionDays", 7))
                .dayRetentionDays());
    }

    @Test
    void cloudWatchImportJobsMustBeAJsonArrayThatFitsTheEnvironment() {
        assertEquals(Optional.empty(), read(Map.of()).cloudWatchImports());
        assertEquals(15, read(Map.of()).cloudWatchImportMinutes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("cloudWatchImports", "{\"tenant\": \"acme\"}")));
        assertTrue(e.getMessage().contains("'cloudWatchImports'") && e.getMessage().contains("JSON array"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("cloudWatchImports", "[" + "{}, ".repeat(1000) + "{}]")));
        assertTrue(e.getMessage().contains("4 KB"), e.getMessage());
        // Structured in cdk.json, it arrives as JSON text.
        assertEquals("[{\"id\":\"cpu\"}]", read(Map.of("cloudWatchImports", List.of(Map.of("id", "cpu"))))
                .cloudWatchImports().orElseThrow());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of("cloudWatchImportMinutes", 1)));
        assertTrue(e.getMessage().contains("'cloudWatchImportMinutes' is '1'"), e.getMessage());
    }

    @Test
    void onlyTheProdStageIsProduction() {
        assertTrue(read(Map.of("stage", "prod")).production());
        assertEquals(false, read(Map.of("stage", "production-test")).production());
    }

    @Test
    void aMissingFunctionsJarSaysHowToBuildIt() {
        FunctionSettings s = new FunctionSettings(Path.of("target/no-such.jar"), RetentionDays.ONE_DAY,
                RemovalPolicy.DESTROY);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::code);
        assertTrue(e.getMessage().contains("./mvnw -pl functions -am package"), e.getMessage());
    }

    private static ConsoleConfig console(Map<String, Object> context) {
        return ConsoleConfig.fromContext(App.Builder.create().context(context).build().getNode());
    }

    @Test
    void alertingDefaultsToOneEvaluatorShardAndAGigabyteNotifier() {
        AlertingConfig a = AlertingConfig.fromContext(App.Builder.create().build().getNode());
        assertEquals(AlertingConfig.defaults(), a);
        assertEquals(1, a.evaluatorShards());
        assertEquals(1024, a.notifierMemoryMb());
        assertEquals(4, AlertingConfig.fromContext(App.Builder.create().context(Map.of("evaluatorShards", "4"))
                .build().getNode()).evaluatorShards());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertingConfig.fromContext(
                App.Builder.create().context(Map.of("evaluatorShards", 0)).build().getNode()));
        assertTrue(e.getMessage().contains("'evaluatorShards' is '0'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AlertingConfig.fromContext(
                App.Builder.create().context(Map.of("notifierMemoryMb", 128)).build().getNode()));
        assertTrue(e.getMessage().contains("'notifierMemoryMb'"), e.getMessage());
    }

    @Test
    void theEvaluationSettleTimeDefaultsTo25SecondsAndStaysWithinFiveMinutes() {
        assertEquals(25, AlertingConfig.defaults().evaluationSettleSeconds());
        assertEquals(0, alerting(Map.of("evaluationSettleSeconds", "0")).evaluationSettleSeconds());
        assertEquals(300, alerting(Map.of("evaluationSettleSeconds", 300)).evaluationSettleSeconds());
        for (Object bad : List.of(-1, "301", 900)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> alerting(Map.of("evaluationSettleSeconds", bad)));
            assertTrue(e.getMessage().contains("'evaluationSettleSeconds' is '" + bad + "'")
                    && e.getMessage().contains("between 0 and 300"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> alerting(Map.of("evaluationSettleSeconds", "25s")));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    }

    private static AlertingConfig alerting(Map<String, Object> context) {
        return AlertingConfig.fromContext(App.Builder.create().context(context).build().getNode());
    }

    @Test
    void customDomainsAreOptionalAndNeedANameAndACertificate() {
        ConsoleConfig none = console(Map.of());
        assertEquals(ConsoleConfig.defaults(), none);
        assertEquals(Optional.empty(), none.apiDomain());
        ConsoleConfig api = console(Map.of("apiDomainName", "API.example.com",
                "apiCertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"));
        assertEquals("api.example.com", api.apiDomain().orElseThrow().name());
        assertEquals(Optional.empty(), api.apiDomain().orElseThrow().zone());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> console(Map.of("apiDomainName", "api.example.com")));
        assertTrue(e.getMessage().contains("'apiCertificateArn'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> console(Map.of(
                "apiCertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc")));
        assertTrue(e.getMessage().contains("'apiDomainName'"), e.getMessage());
    }

    @Test
    void theConsoleCertificateMustComeFromUsEast1() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> console(Map.of(
                "consoleDomainName", "console.example.com",
                "consoleCertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc")));
        assertTrue(e.getMessage().contains("'consoleCertificateArn'") && e.getMessage().contains("us-east-1"),
                e.getMessage());
    }

    @Test
    void aHostedZoneMustContainTheDomains() {
        ConsoleConfig c = console(Map.of("consoleDomainName", "console.example.com",
                "consoleCertificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                "hostedZoneId", "Z0123456789ABC", "hostedZoneName", "example.com."));
        assertEquals("example.com", c.consoleDomain().orElseThrow().zone().orElseThrow().name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> console(Map.of(
                "consoleDomainName", "console.other.org",
                "consoleCertificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                "hostedZoneId", "Z0123456789ABC", "hostedZoneName", "example.com")));
        assertTrue(e.getMessage().contains("hostedZoneName"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> console(Map.of("hostedZoneName", "example.com")));
        assertTrue(e.getMessage().contains("'hostedZoneId'"), e.getMessage());
    }

    @Test
    void theCognitoDomainPrefixFollowsCognitosRules() {
        assertEquals("acme-watch", console(Map.of("cognitoDomainPrefix", "acme-watch")).cognitoDomainPrefix()
                .orElseThrow());
        for (String bad : List.of("Acme", "-acme", "my-cognito-login", "aws-watch")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> console(Map.of("cognitoDomainPrefix", bad)), bad);
            assertTrue(e.getMessage().contains("'cognitoDomainPrefix'"), e.getMessage());
        }
    }

    @Test
    void snsChannelTopicsAreTopicArnsButNeverEveryTopic() {
        AlertingConfig a = AlertingConfig.fromContext(App.Builder.create().context(Map.of("snsChannelTopicArns",
                "arn:aws:sns:*:123456789012:longwatch-*, arn:aws:sns:eu-west-1:123456789012:ops")).build().getNode());
        assertEquals(List.of("arn:aws:sns:*:123456789012:longwatch-*", "arn:aws:sns:eu-west-1:123456789012:ops"),
                a.snsChannelTopicArns());
        assertEquals(List.of("arn:aws:sns:eu-west-1:123456789012:ops"), AlertingConfig.fromContext(App.Builder
                .create().context(Map.of("snsChannelTopicArns", List.of("arn:aws:sns:eu-west-1:123456789012:ops")))
                .build().getNode()).snsChannelTopicArns(), "a JSON array in cdk.json");
        for (String bad : List.of("arn:aws:sns:*:*:*", "arn:aws:sqs:eu-west-1:123456789012:q", "longwatch-*")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertingConfig
                    .fromContext(App.Builder.create().context(Map.of("snsChannelTopicArns", bad)).build().getNode()));
            assertTrue(e.getMessage().contains("'snsChannelTopicArns'"), e.getMessage());
        }
    }
}
