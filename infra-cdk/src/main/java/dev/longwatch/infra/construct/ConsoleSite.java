package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.ErrorResponse;
import software.amazon.awscdk.services.cloudfront.HeadersFrameOption;
import software.amazon.awscdk.services.cloudfront.HeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentSecurityPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentTypeOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersFrameOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersStrictTransportSecurity;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersXSSProtection;
import software.amazon.awscdk.services.cloudfront.ResponseSecurityHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.AaaaRecord;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.CloudFrontTarget;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.ISource;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The web console's files on a private S3 bucket behind CloudFront (origin access control: only this
 * distribution may read the bucket), with security headers on every response and SPA routing (unknown paths
 * answer {@code index.html}). {@code web-console/dist} is deployed when it exists at synth; otherwise a placeholder
 * page says how to build it, and the synth warns.
 *
 * <p>{@code /config.json} (the console API's address and the sign-in settings) is written by the alerting stack
 * after the console API exists, is never cached, and is left alone by this deployment.
 */
public final class ConsoleSite extends Construct {
    public static final String CONFIG_OBJECT = "config.json";
    /** Days CloudFront's and the bucket's access logs are kept. */
    public static final int LOG_DAYS = 90;

    /**
     * @param dist       the built console ({@code web-console/dist})
     * @param domain     the console's own name and its us-east-1 certificate, if configured
     * @param production keeps the access logs when the stack is deleted
     * @param apiOrigins origins the console may call besides API Gateway and Cognito of the region (a custom API
     *                   domain, {@code https://api.example.com})
     */
    public record Props(Path dist, Optional<CustomDomain> domain, boolean production, List<String> apiOrigins) {
        public Props {
            Objects.requireNonNull(dist, "dist");
            Objects.requireNonNull(domain, "domain");
            apiOrigins = List.copyOf(apiOrigins);
        }
    }

    private final Bucket bucket;
    private final Bucket logs;
    private final Distribution distribution;
    private final ResponseHeadersPolicy headers;
    private final BucketDeployment deployment;
    private final boolean placeholder;
    private final String url;

    public ConsoleSite(Construct scope, String id, Props props) {
        super(scope, id);
        // CloudFront's standard logs are written with ACLs, so this one bucket allows them (owner preferred).
        this.logs = Bucket.Builder.create(this, "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder().id("logs-expire")
                        .expiration(Duration.days(LOG_DAYS)).build()))
                .removalPolicy(props.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .autoDeleteObjects(!props.production())
                .build();
        // No access logs of its own: it is the log target (cdk-nag's S1 accepts a bucket other buckets log to).

        this.bucket = Bucket.Builder.create(this, "Files")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix("s3/")
                // Built files, deployed again by every `cdk deploy`: nothing here needs keeping.
                .removalPolicy(RemovalPolicy.DESTROY)
                .autoDeleteObjects(true)
                .build();

        this.headers = ResponseHeadersPolicy.Builder.create(this, "SecurityHeaders")
                .comment("Longwatch console: security headers")
                .securityHeadersBehavior(ResponseSecurityHeadersBehavior.builder()
                        .contentSecurityPolicy(ResponseHeadersContentSecurityPolicy.builder()
                                .contentSecurityPolicy(contentSecurityPolicy(props.apiOrigins()))
                                .override(true).build())
                        .contentTypeOptions(ResponseHeadersContentTypeOptions.builder().override(true).build())
                        .frameOptions(ResponseHeadersFrameOptions.builder()
                                .frameOption(HeadersFrameOption.DENY).override(true).build())
                        .referrerPolicy(ResponseHeadersReferrerPolicy.builder()
                                .referrerPolicy(HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN)
                                .override(true).build())
                        .strictTransportSecurity(ResponseHeadersStrictTransportSecurity.builder()
                                .accessControlMaxAge(Duration.days(730)).includeSubdomains(true)
                                .override(true).build())
                        .xssProtection(ResponseHeadersXSSProtection.builder()
                                .protection(true).modeBlock(true).override(true).build())
                        .build())
                .build();

        IOrigin origin = S3BucketOrigin.withOriginAccessControl(bucket);
        Distribution.Builder d = Distribution.Builder.create(this, "Distribution")
                .comment("Longwatch console")
                .defaultRootObject("index.html")
                .defaultBehavior(BehaviorOptions.builder()
                        .origin(origin)
                        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                        .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
                        .responseHeadersPolicy(headers)
                        .compress(true)
                        .build())
                // Always fresh: it says where the API is and which client signs in.
                .additionalBehaviors(Map.of("/" + CONFIG_OBJECT, BehaviorOptions.builder()
                        .origin(origin)
                        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                        .cachePolicy(CachePolicy.CACHING_DISABLED)
                        .responseHeadersPolicy(headers)
                        .build()))
                // The console routes in the browser: a deep link (or a missing object, 403 from S3 through OAC)
                // loads the app, which shows its own "not found".
                .errorResponses(List.of(
                        ErrorResponse.builder().httpStatus(403).responseHttpStatus(200).responsePagePath("/index.html")
                                .ttl(Duration.seconds(0)).build(),
                        ErrorResponse.builder().httpStatus(404).responseHttpStatus(200).responsePagePath("/index.html")
                                .ttl(Duration.seconds(0)).build()))
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .priceClass(PriceClass.PRICE_CLASS_100)
                .minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021)
                .enableLogging(true)
                .logBucket(logs)
                .logFilePrefix("cloudfront/");
        props.domain().ifPresent(dom -> d
                .domainNames(List.of(dom.name()))
                .certificate(Certificate.fromCertificateArn(this, "Certificate", dom.certificateArn())));
        this.distribution = d.build();

        List<NagPackSuppression> excuses = new java.util.ArrayList<>(List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR1")
                        .reason("The console serves operators wherever they are; access is decided by Cognito sign-in"
                                + " and the console API's JWT authorizer, not by the viewer's country.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR2")
                        .reason("The distribution serves only static, public build files (no tenant data) from S3;"
                                + " data goes through the console API, which has throttling and a JWT authorizer. A"
                                + " WAF web ACL can be attached by operators who require one.")
                        .build()));
        if (props.domain().isEmpty()) {
            excuses.add(NagPackSuppression.builder()
                    .id("AwsSolutions-CFR4")
                    .reason("Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose"
                            + " security policy CloudFront fixes at TLSv1; configure consoleDomainName and"
                            + " consoleCertificateArn to get TLSv1.2_2021 as the minimum (set on the distribution).")
                    .build());
        }
        NagSuppressions.addResourceSuppressions(distribution, excuses);

        props.domain().flatMap(CustomDomain::zone).ifPresent(z -> {
            IHostedZone zone = HostedZone.fromHostedZoneAttributes(this, "Zone", HostedZoneAttributes.builder()
                    .hostedZoneId(z.id()).zoneName(z.name()).build());
            RecordTarget target = RecordTarget.fromAlias(new CloudFrontTarget(distribution));
            ARecord.Builder.create(this, "AliasA").zone(zone).recordName(props.domain().get().name())
                    .target(target).build();
            AaaaRecord.Builder.create(this, "AliasAaaa").zone(zone).recordName(props.domain().get().name())
                    .target(target).build();
        });
        this.url = props.domain().map(CustomDomain::url)
                .orElse("https://" + distribution.getDistributionDomainName());

        Path dist = props.dist();
        this.placeholder = !Files.isRegularFile(dist.resolve("index.html"));
        ISource files;
        if (placeholder) {
            files = Source.data("index.html", "<!doctype html><html><head><meta charset=\"utf-8\">"
                    + "<title>Longwatch</title></head><body><h1>Longwatch</h1><p>The console was not built when this"
                    + " stack was deployed. Build it (<code>cd web-console &amp;&amp; npm ci &amp;&amp; npm run"
                    + " build</code>), then run <code>cdk deploy</code> again.</p></body></html>");
            Annotations.of(this).addWarningV2("longwatch:consoleNotBuilt", "No console build at "
                    + dist.toAbsolutePath().normalize() + ": deploying a placeholder page. Build web-console"
                    + " (npm ci && npm run build) and deploy again to publish the console.");
        } else {
            files = Source.asset(dist.toString());
        }
        this.deployment = BucketDeployment.Builder.create(this, "Deploy")
                .destinationBucket(bucket)
                .sources(List.of(files))
                // Files of an older build are removed, except the configuration the alerting stack writes.
                .prune(true)
                .exclude(List.of(CONFIG_OBJECT))
                .distribution(distribution)
                .distributionPaths(List.of("/*"))
                .memoryLimit(512)
                .build();
    }

    /**
     * Scripts, styles and images only from the console itself; API calls only to API Gateway and Cognito of this
     * region and the custom API domain; never framed.
     */
    private static String contentSecurityPolicy(List<String> apiOrigins) {
        String region = Aws.REGION;
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:;"
                + " font-src 'self'; connect-src 'self'"
                + apiOrigins.stream().map(o -> " " + o).collect(java.util.stream.Collectors.joining())
                + " https://*.execute-api." + region + ".amazonaws.com"
                + " https://*.auth." + region + ".amazoncognito.com https://cognito-idp." + region + ".amazonaws.com;"
                + " frame-ancestors 'none'; base-uri 'self'; object-src 'none';"
                + " form-action 'self' https://*.auth." + region + ".amazoncognito.com";
    }

    public Bucket bucket() {
        return bucket;
    }

    public Bucket accessLogs() {
        return logs;
    }

    public Distribution distribution() {
        return distribution;
    }

    public ResponseHeadersPolicy headers() {
        return headers;
    }

    public BucketDeployment deployment() {
        return deployment;
    }

    /** True when no console build existed at synth and the placeholder page is deployed. */
    public boolean placeholder() {
        return placeholder;
    }

    /** The console's address, e.g. {@code https://d111111abcdef8.cloudfront.net} (no trailing slash). */
    public String url() {
        return url;
    }
}
