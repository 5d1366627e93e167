package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.core.alerting.AlertingFixture;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Console users come through the console API, whose Cognito JWT authorizer has verified their ID token: the
 * handlers take the tenant from the token's {@code custom:tenant} claim and audit the user, not a key.
 */
class ConsoleUsersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CPU = """
            {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
             "condition": {"op": "above", "critical": 90}}""";

    final AlertingFixture f = new AlertingFixture();
    HttpMonitorsRequestHandler handler;
    String globexKey;

    @BeforeEach
    void setUp() {
        ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), f.tables.apiKeys()), f.clock,
                new SecureRandom());
        globexKey = keys.create("globex", "console test").key();
        handler = new HttpMonitorsRequestHandler(keys, f.monitors, f.alerts, f.backtests, f.audit, f.clock, f.metrics);
    }

    /** A request as API Gateway hands it over after its JWT authorizer verified a token with these claims. */
    static APIGatewayV2HTTPEvent request(String method, String path, Map<String, String> claims,
                                         Map<String, String> headers, String body) {
        APIGatewayV2HTTPEvent.RequestContext.RequestContextBuilder ctx = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId("console-test")
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build());
        if (claims != null) {
            ctx.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build())
                    .build());
        }
        Map<String, String> h = new HashMap<>(headers);
        h.put("content-type", "application/json");
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath(path).withRawQueryString("")
                .withHeaders(h).withBody(body).withRequestContext(ctx.build()).build();
    }

    JsonNode call(APIGatewayV2HTTPEvent e, int expectedStatus) throws Exception {
        APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
        assertEquals(expectedStatus, r.getStatusCode(), r.getBody());
        return JSON.readTree(r.getBody());
    }

    @Test
    void aConsoleUserWorksInTheTenantOfTheTokenAndIsAuditedByName() throws Exception {
        Map<String, String> ana = Map.of("custom:tenant", "acme", "email", "ana@acme.example", "sub", "u-1");
        JsonNode created = call(request("POST", "/v1/monitors", ana, Map.of(), CPU), 201);
        assertEquals("user:ana@acme.example", created.get("updatedBy").asText());

        JsonNode mine = call(request("GET", "/v1/monitors", ana, Map.of(), null), 200);
        assertEquals(1, mine.get("monitors").size());
        // Another tenant, by key or by token, sees none of it.
        JsonNode theirs = call(request("GET", "/v1/monitors", null, Map.of("authorization", "Bearer " + globexKey),
                null), 200);
        assertEquals(0, theirs.get("monitors").size());
        JsonNode bob = call(request("GET", "/v1/monitors", Map.of("custom:tenant", "globex", "sub", "u-2"),
                Map.of(), null), 200);
        assertEquals(0, bob.get("monitors").size());
    }

    @Test
    void aVerifiedTokenWithoutATenantIsRefusedEvenBesideAValidKey() throws Exception {
        // The claim is missing (a user created without the attribute): no fallback to whatever key rides along.
        call(request("GET", "/v1/monitors", Map.of("sub", "u-3", "email", "eve@example"),
                Map.of("authorization", "Bearer " + globexKey), null), 401);
        call(request("GET", "/v1/monitors", Map.of("custom:tenant", "not a tenant!", "sub", "u-4"), Map.of(), null),
                401);
    }
}
