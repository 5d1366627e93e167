package dev.longwatch.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleStackTest {

    private static String id(Object construct) {
        return Installation.logicalId((IConstruct) construct);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> distribution(Installation i) {
        return (Map<String, Object>) Cfn.properties(Cfn.onlyResource(i.console(), "AWS::CloudFront::Distribution"))
                .get("DistributionConfig");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleBucketIsPrivateAndOnlyTheDistributionReadsIt() {
        Installation i = Installation.defaults();
        var site = i.stacks.console().site();
        Map<String, Object> b = Cfn.properties(Cfn.resources(i.console(), "AWS::S3::Bucket").get(id(site.bucket())));
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), b.get("PublicAccessBlockConfiguration"));
        assertFalse(b.containsKey("WebsiteConfiguration"), "no public website endpoint");
        String policy = Cfn.resources(i.console(), "AWS::S3::BucketPolicy").values().stream().map(Cfn::json)
                .filter(p -> p.contains(id(site.bucket())) && p.contains("cloudfront.amazonaws.com"))
                .findFirst().orElseThrow();
        assertTrue(policy.contains("AWS:SourceArn") && policy.contains(id(site.distribution())),
                "only this distribution (origin access control): " + policy);
        assertTrue(policy.contains("\"aws:SecureTransport\":\"false\""), policy);
        i.console().resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
        List<Map<String, Object>> origins = (List<Map<String, Object>>) distribution(i).get("Origins");
        assertTrue(Cfn.json(origins).contains("OriginAccessControlId"), Cfn.json(origins));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyResponseCarriesSecurityHeaders() {
        Installation i = Installation.defaults();
        Map<String, Object> config = (Map<String, Object>) Cfn.properties(Cfn.onlyResource(i.console(),
                "AWS::CloudFront::ResponseHeadersPolicy")).get("ResponseHeadersPolicyConfig");
        Map<String, Object> h = (Map<String, Object>) config.get("SecurityHeadersConfig");
        assertEquals("DENY", ((Map<String, Object>) h.get("FrameOptions")).get("FrameOption"));
        assertTrue(h.containsKey("ContentTypeOptions"));
        Map<String, Object> hsts = (Map<String, Object>) h.get("StrictTransportSecurity");
        assertTrue(((Number) hsts.get("AccessControlMaxAgeSec")).intValue() >= 365 * 86_400);
        String csp = Cfn.json(h.get("ContentSecurityPolicy"));
        assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'")
                && csp.contains("object-src 'none'"), csp);
        String policy = id(i.stacks.console().site().headers());
        Map<String, Object> d = distribution(i);
        assertTrue(Cfn.json(d.get("DefaultCacheBehavior")).contains(policy));
        assertTrue(Cfn.json(d.get("CacheBehaviors")).contains(policy));
        assertEquals("redirect-to-https", ((Map<String, Object>) d.get("DefaultCacheBehavior")).get("ViewerProtocolPolicy"));
    }

    @Test
    void deepLinksLoadTheAppAndConfigJsonIsNeverCached() {
        Map<String, Object> d = distribution(Installation.defaults());
        assertEquals("index.html", d.get("DefaultRootObject"));
        String errors = Cfn.json(d.get("CustomErrorResponses"));
        for (String code : List.of("403", "404")) {
            assertTrue(errors.contains("\"ErrorCode\":" + code), errors);
        }
        assertTrue(errors.contains("\"ResponsePagePath\":\"/index.html\"") && errors.contains("\"ResponseCode\":200"));
        String behaviors = Cfn.json(d.get("CacheBehaviors"));
        assertTrue(behaviors.contains("\"PathPattern\":\"/config.json\""), behaviors);
        // The managed CachingDisabled policy.
        assertTrue(behaviors.contains("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"), behaviors);
    }

    @Test
    void withoutABuiltConsoleAPlaceholderIsDeployedAndTheSynthSaysSo() {
        Installation i = Installation.defaults();
        // This worktree has no web-console/dist (CI builds from a clean clone).
        if (Files.isRegularFile(Path.of(i.stacks.consoleConfig().consoleDist(), "index.html"))) {
            assertFalse(i.stacks.console().site().placeholder());
            return;
        }
        assertTrue(i.stacks.console().site().placeholder());
        boolean warned = i.messages(i.stacks.console()).stream()
                .anyMatch(m -> String.valueOf(m.getEntry().getData()).contains("placeholder"));
        assertTrue(warned, "the synth warns that the console is not built");
        i.console().resourceCountIs("Custom::CDKBucketDeployment", 1);
    }

    @Test
    void aBuiltConsoleIsDeployedFromItsDistFolderAndOldFilesArePrunedExceptConfigJson(@TempDir Path dist)
            throws Exception {
        Files.writeString(dist.resolve("index.html"), "<!doctype html><title>Longwatch</title>");
        App app = App.Builder.create().build();
        ConsoleStack stack = new ConsoleStack(app, "Console", StackProps.builder().build(), new ConsoleStack.Props(
                LongwatchConfig.defaults(), new ConsoleConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                dist.toString())));
        assertFalse(stack.site().placeholder());
        Template t = Template.fromStack(stack);
        Map<String, Object> deployment = Cfn.properties(Cfn.onlyResource(t, "Custom::CDKBucketDeployment"));
        assertEquals(true, deployment.get("Prune"));
        assertEquals(List.of("config.json"), deployment.get("Exclude"));
        assertTrue(Cfn.json(deployment.get("DistributionPaths")).contains("/*"), "a new build is visible at once");
    }

    @Test
    @SuppressWarnings("unchecked")
    void usersCannotSignUpNorChooseOrChangeTheirTenant() {
        Installation i = Installation.defaults();
        Map<String, Object> pool = Cfn.properties(Cfn.onlyResource(i.console(), "AWS::Cognito::UserPool"));
        assertEquals(true, ((Map<String, Object>) pool.get("AdminCreateUserConfig")).get("AllowAdminCreateUserOnly"));
        Map<String, Object> tenant = ((List<Map<String, Object>>) pool.get("Schema")).stream()
                .filter(a -> "tenant".equals(a.get("Name"))).findFirst().orElseThrow();
        assertEquals(false, tenant.get("Mutable"), "set when an operator creates the user, never changed");
        Map<String, Object> client = Cfn.properties(Cfn.onlyResource(i.console(), "AWS::Cognito::UserPoolClient"));
        assertFalse(Cfn.json(client.get("WriteAttributes")).contains("custom:tenant"));
        assertTrue(Cfn.json(client.get("ReadAttributes")).contains("custom:tenant"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void passwordsAreStrongAndMfaIsOffered() {
        Map<String, Object> pool = Cfn.properties(Cfn.onlyResource(Installation.defaults().console(),
                "AWS::Cognito::UserPool"));
        Map<String, Object> p = (Map<String, Object>) ((Map<String, Object>) pool.get("Policies")).get("PasswordPolicy");
        assertTrue(((Number) p.get("MinimumLength")).intValue() >= 12);
        for (String k : List.of("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")) {
            assertEquals(true, p.get(k), k);
        }
        assertEquals("OPTIONAL", pool.get("MfaConfiguration"));
        assertEquals(List.of("SOFTWARE_TOKEN_MFA"), pool.get("EnabledMfas"));
    }

    @Test
    void theConsoleClientUsesTheCodeFlowWithoutASecret() {
        Installation i = Installation.defaults();
        Map<String, Object> client = Cfn.properties(Cfn.onlyResource(i.console(), "AWS::Cognito::UserPoolClient"));
        assertEquals(false, client.get("GenerateSecret"));
        assertEquals(List.of("code"), client.get("AllowedOAuthFlows"));
        assertFalse(Cfn.json(client.get("ExplicitAuthFlows")).contains("USER_PASSWORD_AUTH"),
                "passwords never travel as they are");
        String callbacks = Cfn.json(client.get("CallbackURLs"));
        assertTrue(callbacks.contains(id(i.stacks.console().site().distribution())), callbacks);
        assertEquals(List.of("https://console.longwatch.example.com/"), Cfn.properties(Cfn.onlyResource(
                Installation.production().console(), "AWS::Cognito::UserPoolClient")).get("CallbackURLs"));
    }

    @Test
    void theSignInDomainPrefixComesFromTheConfiguration() {
        Installation.production().console().hasResourceProperties("AWS::Cognito::UserPoolDomain",
                Map.of("Domain", "acme-longwatch"));
        String dflt = Cfn.json(Cfn.properties(Cfn.onlyResource(Installation.defaults().console(),
                "AWS::Cognito::UserPoolDomain")).get("Domain"));
        assertTrue(dflt.contains("longwatch-dev-") && dflt.contains("AWS::AccountId"), dflt);
    }

    @Test
    void usersAreRetainedInProduction() {
        Map<String, Object> pool = Cfn.onlyResource(Installation.production().console(), "AWS::Cognito::UserPool");
        assertEquals("Retain", pool.get("DeletionPolicy"));
        assertEquals("ACTIVE", Cfn.properties(pool).get("DeletionProtection"));
        assertEquals("Delete", Cfn.onlyResource(Installation.defaults().console(), "AWS::Cognito::UserPool")
                .get("DeletionPolicy"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCustomDomainServesTheConsoleWithTls12AndAliasRecords() {
        Installation p = Installation.production();
        Map<String, Object> d = distribution(p);
        assertEquals(List.of("console.longwatch.example.com"), d.get("Aliases"));
        Map<String, Object> cert = (Map<String, Object>) d.get("ViewerCertificate");
        assertEquals("arn:aws:acm:us-east-1:123456789012:certificate/console-cert", cert.get("AcmCertificateArn"));
        assertEquals("TLSv1.2_2021", cert.get("MinimumProtocolVersion"));
        assertEquals("sni-only", cert.get("SslSupportMethod"));
        p.console().hasResourceProperties("AWS::Route53::RecordSet", Map.of("Name", "console.longwatch.example.com.",
                "Type", "A", "HostedZoneId", "Z0123456789ABCDEFGHIJ"));
        p.console().hasResourceProperties("AWS::Route53::RecordSet", Map.of("Name", "console.longwatch.example.com.",
                "Type", "AAAA"));
        Installation.defaults().console().resourceCountIs("AWS::Route53::RecordSet", 0);
    }

    @Test
    void aCustomDomainServesTheTenantApi() {
        Installation p = Installation.production();
        p.ingest().hasResourceProperties("AWS::ApiGatewayV2::DomainName", Map.of(
                "DomainName", "api.longwatch.example.com",
                "DomainNameConfigurations", List.of(Map.of(
                        "CertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/api-cert",
                        "EndpointType", "REGIONAL", "SecurityPolicy", "TLS_1_2"))));
        p.ingest().resourceCountIs("AWS::ApiGatewayV2::ApiMapping", 1);
        p.ingest().hasResourceProperties("AWS::Route53::RecordSet", Map.of("Name", "api.longwatch.example.com.",
                "Type", "A"));
        Installation.defaults().ingest().resourceCountIs("AWS::ApiGatewayV2::DomainName", 0);
    }

    @Test
    void theConsoleDeploysBeforeTheAlertingStackThatUsesIt() {
        Installation i = Installation.defaults();
        assertTrue(i.stacks.alerting().getDependencies().contains(i.stacks.console()));
        assertTrue(i.stacks.alerting().getDependencies().contains(i.stacks.ingest()));
        assertTrue(i.stacks.alerting().getDependencies().contains(i.stacks.data()));
        assertTrue(i.stacks.console().getDependencies().isEmpty(), "the console depends on nothing");
        assertTrue(i.stacks.ingest().getDependencies().contains(i.stacks.console()), "the tenant API admits its origin");
        assertTrue(i.stacks.observability().getDependencies().contains(i.stacks.alerting()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleMayCallTheTenantApiFromTheBrowserAndNoOtherOriginMay() {
        Installation d = Installation.defaults();
        Map<String, Object> api = Cfn.properties(Cfn.resources(d.ingest(), "AWS::ApiGatewayV2::Api")
                .get(id(d.stacks.ingest().api().api())));
        Map<String, Object> cors = (Map<String, Object>) api.get("CorsConfiguration");
        String origins = Cfn.json(cors.get("AllowOrigins"));
        assertEquals(1, ((List<Object>) cors.get("AllowOrigins")).size());
        assertTrue(origins.contains(id(d.stacks.console().site().distribution())), origins);
        assertFalse(origins.contains("\"*\""), origins);
        assertTrue(((List<String>) cors.get("AllowHeaders")).contains("Authorization"));
        assertFalse(cors.containsKey("AllowCredentials"), "API keys travel in a header, never in cookies");
        Installation p = Installation.production();
        Map<String, Object> prod = (Map<String, Object>) Cfn.properties(Cfn.resources(p.ingest(),
                "AWS::ApiGatewayV2::Api").get(id(p.stacks.ingest().api().api()))).get("CorsConfiguration");
        assertEquals(List.of("https://console.longwatch.example.com"), prod.get("AllowOrigins"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleMayConnectToTheCustomApiDomain() {
        Map<String, Object> config = (Map<String, Object>) Cfn.properties(Cfn.onlyResource(
                Installation.production().console(), "AWS::CloudFront::ResponseHeadersPolicy"))
                .get("ResponseHeadersPolicyConfig");
        String csp = Cfn.json(((Map<String, Object>) config.get("SecurityHeadersConfig")).get("ContentSecurityPolicy"));
        assertTrue(csp.contains("connect-src 'self' https://api.longwatch.example.com "), csp);
    }
}
