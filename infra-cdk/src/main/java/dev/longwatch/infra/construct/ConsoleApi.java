package dev.longwatch.infra.construct;

import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpUserPoolAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteKey;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.cloudfront.IDistribution;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.cognito.IUserPoolClient;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The console's API: a second HTTP API, because one HTTP API cannot offer the same paths twice with different
 * authorization. It routes the same paths to the same functions as the tenant API (monitors, alerts, channels, ...,
 * and the query function's reads), but every route requires a Cognito ID token of the console's user pool and
 * client (a JWT authorizer); the handlers take the tenant from the token's {@code custom:tenant} claim when the
 * request carries authorizer claims. CORS admits only the console's origin.
 *
 * <p>It also writes the console's {@code /config.json}: the tenant API's address ({@code apiUrl}, for sign-in with
 * an API key), this API's address and the Cognito sign-in settings, which exist only after this API (so the console
 * stack, deployed earlier, cannot write them).
 */
public final class ConsoleApi extends Construct {

    /**
     * @param consoleUrl   the console's origin (CORS, sign-in redirect), no trailing slash
     * @param signInUrl    the Cognito hosted sign-in base URL
     * @param tenantApiUrl the tenant API as users reach it (API-key sign-in uses it)
     * @param site         the console bucket and distribution, for {@code config.json}
     * @param monitors     the monitors function's alias; likewise notifications and query
     * @param rateLimit    steady requests per second across all console users
     */
    public record Props(IUserPool pool, IUserPoolClient client, String consoleUrl, String signInUrl, String tenantApiUrl,
                        IBucket siteBucket, IDistribution distribution, IFunction monitors, IFunction notifications,
                        IFunction query, FunctionSettings functions, int rateLimit, int burstLimit) {
        public Props {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(consoleUrl, "consoleUrl");
            Objects.requireNonNull(signInUrl, "signInUrl");
            Objects.requireNonNull(tenantApiUrl, "tenantApiUrl");
            Objects.requireNonNull(siteBucket, "siteBucket");
            Objects.requireNonNull(distribution, "distribution");
            Objects.requireNonNull(monitors, "monitors");
            Objects.requireNonNull(notifications, "notifications");
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(functions, "functions");
        }
    }

    private final HttpApi api;
    private final HttpStage stage;
    private final LogGroup accessLogs;
    private final HttpUserPoolAuthorizer authorizer;
    private final List<HttpRoute> routes = new ArrayList<>();
    private final BucketDeployment config;

    public ConsoleApi(Construct scope, String id, Props props) {
        super(scope, id);
        // ID tokens: only they carry custom:tenant (Cognito's access tokens have no custom attributes). The audience
        // must be the console's client, the issuer the console's pool.
        this.authorizer = HttpUserPoolAuthorizer.Builder.create("ConsoleUsers", props.pool())
                .userPoolClients(List.of(props.client()))
                .build();
        this.api = HttpApi.Builder.create(this, "Api")
                .description("Longwatch console API: the tenant API's alerting and query routes for console users")
                .createDefaultStage(false)
                .defaultAuthorizer(authorizer)
                // Preflights are answered by API Gateway (no authorizer on OPTIONS), for the console's origin only.
                .corsPreflight(CorsPreflightOptions.builder()
                        .allowOrigins(List.of(props.consoleUrl()))
                        .allowMethods(List.of(CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT,
                                CorsHttpMethod.PATCH, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS))
                        .allowHeaders(List.of("Authorization", "Content-Type"))
                        .maxAge(Duration.hours(1))
                        .build())
                .build();
        this.accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(props.functions().logRetention())
                .removalPolicy(props.functions().logRemovalPolicy())
                .build();
        this.stage = HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(props.rateLimit()).burstLimit(props.burstLimit())
                        .build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public LogGroupLogDestination getDestination() {
                        return new LogGroupLogDestination(accessLogs);
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        // The tenant API's format: no headers, so no token reaches the logs.
                        return AccessLogFormat.custom(IngestApi.ACCESS_LOG_FORMAT);
                    }
                })
                .build();

        Map<AlertingRoutes.Target, HttpLambdaIntegration> integrations = Map.of(
                AlertingRoutes.Target.MONITORS, AlertingApi.integration("ConsoleMonitors", props.monitors()),
                AlertingRoutes.Target.NOTIFICATIONS, AlertingApi.integration("ConsoleNotifications", props.notifications()),
                AlertingRoutes.Target.QUERY, AlertingApi.integration("ConsoleQuery", props.query()));
        List<AlertingRoutes.Route> all = new ArrayList<>(AlertingRoutes.TENANT);
        all.addAll(AlertingRoutes.QUERY);
        for (AlertingRoutes.Route r : all) {
            for (HttpMethod m : r.methods()) {
                routes.add(HttpRoute.Builder.create(this, "Route" + m + r.path().replaceAll("[^A-Za-z0-9]", ""))
                        .httpApi(api)
                        .routeKey(HttpRouteKey.with(r.path(), m))
                        .integration(integrations.get(r.target()))
                        .authorizer(authorizer)
                        .build());
            }
        }

        Map<String, Object> settings = new LinkedHashMap<>();
        // apiUrl: the tenant API, for sign-in with an API key (what the console does today); consoleApiUrl and the
        // rest: this API and Cognito, for sign-in as a console user (ID token, tenant from custom:tenant).
        settings.put("apiUrl", props.tenantApiUrl());
        settings.put("consoleApiUrl", stage.getUrl());
        settings.put("region", Aws.REGION);
        settings.put("userPoolId", props.pool().getUserPoolId());
        settings.put("userPoolClientId", props.client().getUserPoolClientId());
        settings.put("signInUrl", props.signInUrl());
        settings.put("redirectUri", props.consoleUrl() + "/");
        settings.put("tenantClaim", "custom:" + ConsoleUsers.TENANT_ATTRIBUTE);
        this.config = BucketDeployment.Builder.create(this, "Config")
                .destinationBucket(props.siteBucket())
                .sources(List.of(Source.jsonData(ConsoleSite.CONFIG_OBJECT, settings)))
                // Only this one object: the console's own files belong to the console stack's deployment.
                .prune(false)
                .distribution(props.distribution())
                .distributionPaths(List.of("/" + ConsoleSite.CONFIG_OBJECT))
                .build();
    }

    public HttpApi api() {
        return api;
    }

    public HttpStage stage() {
        return stage;
    }

    public String url() {
        return stage.getUrl();
    }

    public LogGroup accessLogs() {
        return accessLogs;
    }

    public List<HttpRoute> routes() {
        return List.copyOf(routes);
    }

    public BucketDeployment config() {
        return config;
    }
}
