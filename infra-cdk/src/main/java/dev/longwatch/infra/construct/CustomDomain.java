package dev.longwatch.infra.construct;

import java.util.Objects;
import java.util.Optional;

/**
 * A domain name the operator owns, the ACM certificate that covers it, and optionally the Route 53 hosted zone in
 * which the app creates the alias records (without one, the operator points a CNAME at the target the stack
 * outputs).
 *
 * @param name           e.g. {@code api.longwatch.example.com}
 * @param certificateArn an ACM certificate for {@code name}: in the API's region for the tenant API, in
 *                       {@code us-east-1} for the console (CloudFront only takes certificates from there)
 */
public record CustomDomain(String name, String certificateArn, Optional<HostedZoneRef> zone) {

    /** A hosted zone by id and name: no lookup at synth, so {@code cdk synth} stays offline. */
    public record HostedZoneRef(String id, String name) {
        public HostedZoneRef {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    public CustomDomain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(certificateArn, "certificateArn");
        Objects.requireNonNull(zone, "zone");
    }

    public String url() {
        return "https://" + name;
    }
}
