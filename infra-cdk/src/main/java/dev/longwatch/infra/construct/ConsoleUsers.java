package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.ClientAttributes;
import software.amazon.awscdk.services.cognito.CognitoDomainOptions;
import software.amazon.awscdk.services.cognito.ICustomAttribute;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.OAuthFlows;
import software.amazon.awscdk.services.cognito.OAuthScope;
import software.amazon.awscdk.services.cognito.OAuthSettings;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.StandardAttributesMask;
import software.amazon.awscdk.services.cognito.StringAttribute;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolDomain;
import software.amazon.awscdk.services.cognito.UserPoolDomainOptions;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may sign in to the console: a Cognito user pool where operators create users (no self sign-up), each with
 * the tenant it belongs to in {@code custom:tenant}. The attribute is immutable and not writable by the app client,
 * so a user can never move to another tenant; the console API's JWT authorizer accepts only this pool's ID tokens
 * for this client, and the handlers read the tenant from the claim.
 *
 * <p>The app client is public (a single-page app keeps no secret) and uses the authorization code grant with PKCE
 * on the hosted sign-in domain.
 */
public final class ConsoleUsers extends Construct {
    /** The claim the handlers read the tenant from. */
    public static final String TENANT_ATTRIBUTE = "tenant";

    /**
     * @param consoleUrl   where sign-in returns to (the console's address, no trailing slash)
     * @param domainPrefix the hosted sign-in domain's prefix ({@code <prefix>.auth.<region>.amazoncognito.com})
     * @param production   keeps the users when the stack is deleted
     */
    public record Props(String consoleUrl, String domainPrefix, boolean production) {
        public Props {
            Objects.requireNonNull(consoleUrl, "consoleUrl");
            Objects.requireNonNull(domainPrefix, "domainPrefix");
        }
    }

    private final UserPool pool;
    private final UserPoolClient client;
    private final UserPoolDomain domain;

    public ConsoleUsers(Construct scope, String id, Props props) {
        super(scope, id);
        this.pool = UserPool.Builder.create(this, "Pool")
                // Operators create users (infra-cdk/README.md, "The first console user"); nobody signs up.
                .selfSignUpEnabled(false)
                .signInAliases(SignInAliases.builder().email(true).build())
                .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(12)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .tempPasswordValidity(Duration.days(3))
                        .build())
                .mfa(Mfa.OPTIONAL)
                .mfaSecondFactor(MfaSecondFactor.builder().otp(true).sms(false).build())
                .accountRecovery(AccountRecovery.EMAIL_ONLY)
                // Set once when an operator creates the user; nobody changes it afterwards.
                .customAttributes(Map.<String, ICustomAttribute>of(TENANT_ATTRIBUTE, StringAttribute.Builder.create()
                        .minLen(1).maxLen(63).mutable(false).build()))
                .deletionProtection(props.production())
                .removalPolicy(props.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        NagSuppressions.addResourceSuppressions(pool, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-COG2")
                        .reason("MFA is optional by decision: each user can turn on TOTP (SMS is off); operators who"
                                + " need it for everyone change Mfa.OPTIONAL to REQUIRED in ConsoleUsers. Console"
                                + " users can read and change monitors, never ingest or read API keys.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-COG3")
                        .reason("Threat protection (the former advanced security mode) needs Cognito's Plus feature"
                                + " plan, priced per monthly active user; the pool uses Essentials. Compromised"
                                + " credentials are limited by the strong password policy and optional TOTP.")
                        .build()));

        String callback = props.consoleUrl() + "/";
        this.client = pool.addClient("ConsoleClient", software.amazon.awscdk.services.cognito.UserPoolClientOptions
                .builder()
                // A browser app cannot keep a secret: authorization code with PKCE instead.
                .generateSecret(false)
                // The hosted sign-in (code + PKCE), or SRP from the app itself; never a password sent as is.
                .authFlows(AuthFlow.builder().userSrp(true).build())
                .oAuth(OAuthSettings.builder()
                        .flows(OAuthFlows.builder().authorizationCodeGrant(true).implicitCodeGrant(false).build())
                        .scopes(List.of(OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE))
                        .callbackUrls(List.of(callback))
                        .logoutUrls(List.of(callback))
                        .build())
                .readAttributes(new ClientAttributes()
                        .withStandardAttributes(StandardAttributesMask.builder().email(true).emailVerified(true)
                                .build())
                        .withCustomAttributes(TENANT_ATTRIBUTE))
                // Users may change their e-mail address, never their tenant.
                .writeAttributes(new ClientAttributes()
                        .withStandardAttributes(StandardAttributesMask.builder().email(true).build()))
                .preventUserExistenceErrors(true)
                .idTokenValidity(Duration.hours(1))
                .accessTokenValidity(Duration.hours(1))
                .refreshTokenValidity(Duration.hours(12))
                .enableTokenRevocation(true)
                .build());

        this.domain = pool.addDomain("SignIn", UserPoolDomainOptions.builder()
                .cognitoDomain(CognitoDomainOptions.builder().domainPrefix(props.domainPrefix()).build())
                .build());
    }

    public UserPool pool() {
        return pool;
    }

    public UserPoolClient client() {
        return client;
    }

    public UserPoolDomain domain() {
        return domain;
    }

    /** The hosted sign-in base URL, e.g. {@code https://longwatch-prod.auth.eu-west-1.amazoncognito.com}. */
    public String signInUrl() {
        return domain.baseUrl();
    }
}
