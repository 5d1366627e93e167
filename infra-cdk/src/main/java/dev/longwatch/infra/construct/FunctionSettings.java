package dev.longwatch.infra.construct;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What every Longwatch function shares: the deployment jar (one jar holds all handlers) and how long its
 * logs are kept.
 */
public record FunctionSettings(Path jar, RetentionDays logRetention, RemovalPolicy logRemovalPolicy) {

    public FunctionSettings {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(logRetention, "logRetention");
        Objects.requireNonNull(logRemovalPolicy, "logRemovalPolicy");
    }

    /** A fresh asset per function: an asset belongs to one stack, the upload is shared by content hash. */
    public Code code() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The functions' deployment jar " + jar.toAbsolutePath().normalize()
                    + " does not exist. Build it with `./mvnw -pl functions -am package -DskipTests` from the"
                    + " repository root (infra-cdk/synth does this by itself), or point context 'functionsJar'"
                    + " at it.");
        }
        return Code.fromAsset(jar.toString());
    }
}
