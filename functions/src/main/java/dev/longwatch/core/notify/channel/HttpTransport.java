package dev.longwatch.core.notify.channel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP delivery shared by the webhook integrations: a POST with a short timeout, the answer turned into an
 * {@link Outcome}. 429 and 5xx are retryable and carry the wait the destination asked for (Retry-After in
 * seconds or as a date; Discord's {@code X-RateLimit-Reset-After}). Errors name the status, never the URL.
 */
public class HttpTransport {
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long DEFAULT_RETRY_MILLIS = 30_000;

    private final HttpClient client;
    private final Clock clock;

    public HttpTransport(Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.clock = clock;
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        public Optional<String> header(String name) {
            for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }
    }

    /** Posts; a transport failure comes back as status -1 with the exception's type in the body. */
    public Response post(String url, Map<String, String> headers, String body) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url));
        } catch (IllegalArgumentException e) {
            return new Response(-2, Map.of(), "the channel's URL is not a valid URL");
        }
        try {
            b.timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            b.setHeader("Content-Type", "application/json");
            b.header("User-Agent", "Longwatch-Notifier/1");
            headers.forEach(b::setHeader);
        } catch (IllegalArgumentException e) {
            // The JDK's message may quote the header value (a token): never pass it on.
            return new Response(-2, Map.of(), "the channel's settings make an invalid request header");
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            return new Response(-1, Map.of(), e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, Map.of(), "interrupted");
        }
    }

    /** The usual mapping of an answer to an outcome. */
    public Outcome outcome(Response r, String destination) {
        if (r.status() == -2) {
            return Outcome.permanent(0, r.body());
        }
        if (r.status() == -1) {
            return Outcome.retryable(0, 0, destination + " unreachable (" + r.body() + ")");
        }
        if (r.status() >= 200 && r.status() < 300) {
            return Outcome.sent(r.status(), null);
        }
        if (r.status() == 429) {
            return Outcome.retryable(429, retryAfterMillis(r), destination + " rate-limited the message (429)");
        }
        if (r.status() >= 500 || r.status() == 408) {
            return Outcome.retryable(r.status(), r.header("Retry-After").isPresent() ? retryAfterMillis(r) : 0,
                    destination + " answered " + r.status());
        }
        return Outcome.permanent(r.status(), destination + " refused the message (" + r.status() + ")");
    }

    /** The wait a destination asked for: Retry-After (seconds or HTTP date) or Discord's reset header. */
    public long retryAfterMillis(Response r) {
        Optional<String> ra = r.header("Retry-After");
        if (ra.isPresent()) {
            String v = ra.get().trim();
            try {
                return (long) (Double.parseDouble(v) * 1000);
            } catch (NumberFormatException notSeconds) {
                try {
                    return Math.max(0, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                            .toEpochMilli() - clock.millis());
                } catch (DateTimeParseException notDate) {
                    return DEFAULT_RETRY_MILLIS;
                }
            }
        }
        Optional<String> discord = r.header("X-RateLimit-Reset-After");
        if (discord.isPresent()) {
            try {
                return (long) (Double.parseDouble(discord.get().trim()) * 1000);
            } catch (NumberFormatException e) {
                return DEFAULT_RETRY_MILLIS;
            }
        }
        return DEFAULT_RETRY_MILLIS;
    }

    /**
     * A wait the destination announces even on success (Discord: {@code X-RateLimit-Remaining: 0} with
     * {@code X-RateLimit-Reset-After}), so the next message waits instead of hitting a 429.
     */
    public long announcedWaitMillis(Response r) {
        Optional<String> remaining = r.header("X-RateLimit-Remaining");
        if (remaining.isPresent() && remaining.get().trim().equals("0")) {
            return retryAfterMillis(r);
        }
        return 0;
    }
}
