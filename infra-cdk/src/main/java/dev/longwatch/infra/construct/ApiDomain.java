package dev.longwatch.infra.construct;

import software.amazon.awscdk.services.apigatewayv2.ApiMapping;
import software.amazon.awscdk.services.apigatewayv2.DomainName;
import software.amazon.awscdk.services.apigatewayv2.EndpointType;
import software.amazon.awscdk.services.apigatewayv2.IHttpApi;
import software.amazon.awscdk.services.apigatewayv2.IStage;
import software.amazon.awscdk.services.apigatewayv2.SecurityPolicy;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.AaaaRecord;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.ApiGatewayv2DomainProperties;
import software.constructs.Construct;

import java.util.Objects;

/**
 * The tenant API under the operator's own name: a regional API Gateway domain with the operator's ACM certificate
 * (TLS 1.2), mapped to the API's {@code $default} stage, and alias records in the hosted zone when one is given
 * (otherwise the operator points a CNAME at {@link #target()}).
 */
public final class ApiDomain extends Construct {

    public record Props(CustomDomain domain, IHttpApi api, IStage stage) {
        public Props {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(stage, "stage");
        }
    }

    private final DomainName name;

    public ApiDomain(Construct scope, String id, Props props) {
        super(scope, id);
        this.name = DomainName.Builder.create(this, "Name")
                .domainName(props.domain().name())
                .certificate(Certificate.fromCertificateArn(this, "Certificate", props.domain().certificateArn()))
                .endpointType(EndpointType.REGIONAL)
                .securityPolicy(SecurityPolicy.TLS_1_2)
                .build();
        ApiMapping.Builder.create(this, "Mapping")
                .api(props.api())
                .domainName(name)
                .stage(props.stage())
                .build();
        props.domain().zone().ifPresent(z -> {
            IHostedZone zone = HostedZone.fromHostedZoneAttributes(this, "Zone", HostedZoneAttributes.builder()
                    .hostedZoneId(z.id()).zoneName(z.name()).build());
            RecordTarget target = RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(
                    name.getRegionalDomainName(), name.getRegionalHostedZoneId()));
            ARecord.Builder.create(this, "AliasA").zone(zone).recordName(props.domain().name()).target(target).build();
            AaaaRecord.Builder.create(this, "AliasAaaa").zone(zone).recordName(props.domain().name()).target(target)
                    .build();
        });
    }

    public DomainName name() {
        return name;
    }

    /** Where a CNAME for the domain must point when no hosted zone is given. */
    public String target() {
        return name.getRegionalDomainName();
    }
}
