package dev.longwatch.infra.construct;

import software.amazon.awscdk.services.apigatewayv2.CfnApi;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;

import java.util.List;

/**
 * Lets the console's origin call the tenant API from the browser (sign-in with an API key sends it as
 * {@code Authorization: Bearer}): API Gateway answers the preflights, for that one origin only. No credentials
 * (cookies) are involved, so no {@code Access-Control-Allow-Credentials}.
 */
public final class TenantApiCors {
    private TenantApiCors() {
    }

    public static void allow(HttpApi api, String consoleUrl) {
        // Set on the API's CloudFormation resource: the API is built in the ingest stack, the origin comes from
        // the console stack.
        CfnApi cfn = (CfnApi) api.getNode().getDefaultChild();
        cfn.setCorsConfiguration(CfnApi.CorsProperty.builder()
                .allowOrigins(List.of(consoleUrl))
                .allowMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
                .allowHeaders(List.of("Authorization", "Content-Type", "Content-Encoding"))
                .maxAge(3600)
                .build());
    }
}
