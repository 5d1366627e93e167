package dev.longwatch.infra;

import dev.longwatch.infra.construct.CustomDomain;
import software.constructs.Node;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's choices for the console and the custom domains, read from CDK context. Checked here, so a
 * certificate from the wrong region or half a domain setting fails the synth with the key and what is expected.
 * Documented in {@code infra-cdk/README.md}.
 *
 * @param apiDomain           the tenant API under the operator's own name (context {@code apiDomainName},
 *                            {@code apiCertificateArn})
 * @param consoleDomain       the console under the operator's own name ({@code consoleDomainName},
 *                            {@code consoleCertificateArn}, a {@code us-east-1} certificate)
 * @param cognitoDomainPrefix the prefix of the Cognito hosted sign-in domain; empty: {@code longwatch-<stage>-<account>}
 * @param consoleDist         the built console ({@code web-console/dist}), relative to {@code infra-cdk/}
 */
public record ConsoleConfig(Optional<CustomDomain> apiDomain, Optional<CustomDomain> consoleDomain,
                            Optional<String> cognitoDomainPrefix, String consoleDist) {

    public static final String DEFAULT_CONSOLE_DIST = "../web-console/dist";
    private static final Pattern DOMAIN = Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern CERTIFICATE = Pattern.compile("arn:aws[a-z-]*:acm:([a-z0-9-]+):\\d{12}:certificate/[A-Za-z0-9-]+");
    private static final Pattern COGNITO_PREFIX = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ZONE_ID = Pattern.compile("Z[A-Z0-9]{1,31}");

    public ConsoleConfig {
        Objects.requireNonNull(apiDomain, "apiDomain");
        Objects.requireNonNull(consoleDomain, "consoleDomain");
        Objects.requireNonNull(cognitoDomainPrefix, "cognitoDomainPrefix");
        consoleDomain.ifPresent(d -> {
            if (!d.certificateArn().contains(":acm:us-east-1:")) {
                throw LongwatchConfig.invalid("consoleCertificateArn", d.certificateArn(),
                        "an ACM certificate in us-east-1 (CloudFront takes certificates only from there)");
            }
        });
        cognitoDomainPrefix.ifPresent(p -> {
            if (!COGNITO_PREFIX.matcher(p).matches() || p.matches(".*(aws|amazon|cognito).*")) {
                throw LongwatchConfig.invalid("cognitoDomainPrefix", p, "1-63 characters of a-z, 0-9 and '-', not"
                        + " starting or ending with '-', without 'aws', 'amazon' or 'cognito' (Cognito's rule)");
            }
        });
        if (consoleDist == null || consoleDist.isBlank()) {
            throw LongwatchConfig.invalid("consoleDist", String.valueOf(consoleDist), "the built console's folder");
        }
    }

    public static ConsoleConfig defaults() {
        return new ConsoleConfig(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_CONSOLE_DIST);
    }

    public static ConsoleConfig fromContext(Node node) {
        Optional<CustomDomain.HostedZoneRef> zone = zone(node);
        String prefix = LongwatchConfig.string(node, "cognitoDomainPrefix", "").trim();
        return new ConsoleConfig(
                domain(node, "apiDomainName", "apiCertificateArn", zone),
                domain(node, "consoleDomainName", "consoleCertificateArn", zone),
                prefix.isEmpty() ? Optional.empty() : Optional.of(prefix),
                LongwatchConfig.string(node, "consoleDist", DEFAULT_CONSOLE_DIST));
    }

    private static Optional<CustomDomain> domain(Node node, String nameKey, String certificateKey,
                                                 Optional<CustomDomain.HostedZoneRef> zone) {
        String name = LongwatchConfig.string(node, nameKey, "").trim().toLowerCase(java.util.Locale.ROOT);
        String certificate = LongwatchConfig.string(node, certificateKey, "").trim();
        if (name.isEmpty() && certificate.isEmpty()) {
            return Optional.empty();
        }
        if (!DOMAIN.matcher(name).matches()) {
            throw LongwatchConfig.invalid(nameKey, name, "a fully qualified domain name (with " + certificateKey + ")");
        }
        if (!CERTIFICATE.matcher(certificate).matches()) {
            throw LongwatchConfig.invalid(certificateKey, certificate, "the ARN of an ACM certificate for " + name);
        }
        Optional<CustomDomain.HostedZoneRef> inZone = zone.filter(z -> name.equals(z.name())
                || name.endsWith("." + z.name()));
        if (zone.isPresent() && inZone.isEmpty()) {
            throw LongwatchConfig.invalid(nameKey, name, "a name inside hostedZoneName '" + zone.get().name()
                    + "', or no hostedZoneId (then create the DNS record yourself)");
        }
        return Optional.of(new CustomDomain(name, certificate, inZone));
    }

    private static Optional<CustomDomain.HostedZoneRef> zone(Node node) {
        String id = LongwatchConfig.string(node, "hostedZoneId", "").trim();
        String name = LongwatchConfig.string(node, "hostedZoneName", "").trim().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (id.isEmpty() && name.isEmpty()) {
            return Optional.empty();
        }
        if (!ZONE_ID.matcher(id).matches()) {
            throw LongwatchConfig.invalid("hostedZoneId", id, "a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ"
                    + " (with hostedZoneName)");
        }
        if (!DOMAIN.matcher(name).matches()) {
            throw LongwatchConfig.invalid("hostedZoneName", name, "the zone's domain name, e.g. example.com");
        }
        return Optional.of(new CustomDomain.HostedZoneRef(id, name));
    }
}
