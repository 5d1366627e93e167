package dev.longwatch.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestStackTest {

    @Test
    void tenantRoutesReachTheirFunctionsWithoutAGatewayAuthorizer() {
        Installation i = Installation.defaults();
        Template t = i.ingest();
        String ingestAlias = Installation.logicalId(i.stacks.ingest().api().ingest().alias());
        String streamAlias = Installation.logicalId(i.stacks.ingest().api().metricStream().alias());
        Map<String, String> integrationTarget = new TreeMap<>();
        Cfn.resources(t, "AWS::ApiGatewayV2::Integration").forEach((id, r) -> {
            assertEquals("2.0", Cfn.properties(r).get("PayloadFormatVersion"));
            String uri = Cfn.json(Cfn.properties(r).get("IntegrationUri"));
            integrationTarget.put(id, uri.contains(ingestAlias) ? "ingest" : uri.contains(streamAlias)
                    ? "metricStream" : "query");
        });

        Map<String, String> routes = new TreeMap<>();
        for (Map<String, Object> r : Cfn.resources(t, "AWS::ApiGatewayV2::Route").values()) {
            Map<String, Object> p = Cfn.properties(r);
            // The functions answer 401 themselves; an authorizer could only answer 403.
            assertEquals("NONE", p.getOrDefault("AuthorizationType", "NONE"), p.get("RouteKey").toString());
            assertFalse(p.containsKey("AuthorizerId"));
            String integration = Cfn.json(p.get("Target")).replaceAll(".*\\{\"Ref\":\"([^\"]+)\"}.*", "$1");
            routes.put((String) p.get("RouteKey"), integrationTarget.get(integration));
        }
        assertEquals(Map.of(
                "POST /v1/integrations/cloudwatch/metric-stream", "metricStream",
                "POST /v1/metrics", "ingest",
                "POST /v1/events", "ingest",
                "GET /v1/query", "query",
                "GET /v1/metrics", "query",
                "GET /v1/metrics/{name}/tags", "query",
                "GET /v1/events", "query"), routes);
        t.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
    }

    @Test
    void theDefaultRouteIsThrottledAsConfigured() {
        Installation.defaults().ingest().hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "$default",
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 500, "ThrottlingBurstLimit", 1000)));
        Installation.production().ingest().hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 200, "ThrottlingBurstLimit", 400)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void apiAccessIsLoggedAsJsonWithoutHeaders() throws Exception {
        Installation i = Installation.defaults();
        Map<String, Object> stage = Cfn.properties(Cfn.onlyResource(i.ingest(), "AWS::ApiGatewayV2::Stage"));
        Map<String, Object> settings = (Map<String, Object>) stage.get("AccessLogSettings");
        assertTrue(Cfn.json(settings.get("DestinationArn"))
                .contains(Installation.logicalId(i.stacks.ingest().api().accessLogs())));
        String format = (String) settings.get("Format");
        Map<String, Object> line = new ObjectMapper().readValue(format, Map.class);
        assertTrue(line.keySet().containsAll(Set.of("requestId", "route", "status", "ip")), line.keySet().toString());
        assertFalse(format.toLowerCase().contains("header") || format.contains("authorizer"),
                "headers would carry API keys into the logs: " + format);
        i.ingest().hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
    }

    @Test
    void theIngestFunctionCannotReadRollups() {
        Installation i = Installation.defaults();
        var tables = i.stacks.data().tables();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.ingest(),
                Installation.logicalId(i.stacks.ingest().api().ingest().role()));

        assertEquals(Set.of("kinesis:PutRecords"),
                Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().stream())));
        assertEquals(Set.of("dynamodb:GetItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.apiKeys())));
        for (Object other : List.of(tables.rollups(), tables.series(), tables.events(), tables.state())) {
            assertEquals(Set.of(), Cfn.actionsOn(grants,
                    Installation.logicalId((software.constructs.IConstruct) other)));
        }
        assertEquals(Set.of("kinesis:PutRecords", "dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents"),
                Cfn.allActions(grants));
    }

    @Test
    void theQueryFunctionReadsButNeverWrites() {
        Installation i = Installation.defaults();
        var tables = i.stacks.data().tables();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.ingest(),
                Installation.logicalId(i.stacks.ingest().api().query().role()));
        for (Object t : List.of(tables.rollups(), tables.series(), tables.events())) {
            assertEquals(Set.of("dynamodb:Query", "dynamodb:GetItem"),
                    Cfn.actionsOn(grants, Installation.logicalId((software.constructs.IConstruct) t)));
        }
        assertEquals(Set.of("dynamodb:GetItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.apiKeys())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().stream())));
        // QueryService reads only the tenant's compaction progress (DynamoDbCompactionStateStore.progress).
        assertEquals(Set.of("dynamodb:GetItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.state())));
        // Raw-resolution queries list and read the archive, never write it.
        assertEquals(Set.of("s3:ListBucket", "s3:GetObject"),
                Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().archive().bucket())));
        assertEquals(Set.of("dynamodb:Query", "dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents",
                "s3:ListBucket", "s3:GetObject"), Cfn.allActions(grants));
    }

    @Test
    void theIngestFunctionCannotTouchTheStateTable() {
        Installation i = Installation.defaults();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.ingest(),
                Installation.logicalId(i.stacks.ingest().api().ingest().role()));
        assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().tables().state())));
        assertFalse(Cfn.json(Cfn.properties(Cfn.resources(i.ingest(), "AWS::Lambda::Function")
                .get(Installation.logicalId(i.stacks.ingest().api().ingest().function()))).get("Environment"))
                .contains("LONGWATCH_STATE_TABLE"), "the ingest function is not even told its name");
    }
}
