package dev.longwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Alert latency on a running local-dev (real HTTP, system clock, default settings: the evaluator ticker every
 * minute at the minute plus the settle time (5 s), the notifier ticker every 3 s, the 30 s group wait): for each
 * sample, a fresh webhook channel pointing at a receiver in this process and a threshold monitor naming it
 * ({@code every 1m, window 1m, pendingFor 0m}, the default {@code delay} of 0m),
 * then one breaching point through {@code POST /v1/metrics}. Observed by polling (every 50 ms): when the point is
 * visible through {@code GET /v1/query} (the rollup ran), when the alert shows FIRING through
 * {@code GET /v1/alerts/{id}} (the evaluator ran: evaluation finished), and when the receiver got the message.
 * Nothing is driven by hand. The point's minute ends at the next minute boundary; "minute end -> FIRING" is then the
 * settle time plus the evaluation, and "FIRING -> webhook" the notification pipeline after evaluation.
 *
 * <p>{@code bench/run alert-latency [--samples=3]} starts local-dev on a free port with a temporary data dir and
 * runs this against it; or run it against any local-dev: {@code --url=http://127.0.0.1:8080 --key=...}.
 */
public final class AlertLatencyHarness {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final long POLL_MS = 50;

    record Arrival(long atMillis, String body) {
    }

    record Sample(long ingest, long visible, long firing, long received) {
        /** The end of the point's minute: the window the evaluation judges ends there. */
        long minuteEnd() {
            return ingest - Math.floorMod(ingest, 60_000L) + 60_000;
        }

        long minuteEndToFiring() {
            return firing - minuteEnd();
        }

        long toVisible() {
            return visible - ingest;
        }

        long toFiring() {
            return firing - ingest;
        }

        long afterEvaluation() {
            return received - firing;
        }

        long endToEnd() {
            return received - ingest;
        }
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080";
        String key = System.getenv("LONGWATCH_DEV_API_KEY");
        int samples = 3;
        for (String a : args) {
            if (a.startsWith("--url=")) {
                url = a.substring(6);
            } else if (a.startsWith("--key=")) {
                key = a.substring(6);
            } else if (a.startsWith("--samples=")) {
                samples = Integer.parseInt(a.substring(10));
            } else {
                throw new IllegalArgumentException("usage: AlertLatencyHarness [--url=URL] [--key=KEY] [--samples=N]");
            }
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an API key is needed: --key=... or LONGWATCH_DEV_API_KEY");
        }
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", ex -> {
            long at = System.currentTimeMillis();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, -1);
            ex.close();
            arrivals.add(new Arrival(at, body));
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        System.out.printf("local-dev %s, receiver %s, %d samples (each takes 1-2 minutes of real time)%n",
                url, hook, samples);
        List<Sample> out = new ArrayList<>();
        try {
            for (int i = 0; i < samples; i++) {
                Sample s = sample(URI.create(url), key, hook, arrivals, i);
                out.add(s);
                System.out.printf(Locale.ROOT, "sample %d: ingested at second %.1f of its minute; visible %d ms, "
                                + "FIRING seen %.1f s (%.1f s after the minute ended), message %.1f s after ingest "
                                + "(%.1f s after FIRING)%n", i, (s.ingest() % 60_000) / 1000.0, s.toVisible(),
                        s.toFiring() / 1000.0, s.minuteEndToFiring() / 1000.0, s.endToEnd() / 1000.0,
                        s.afterEvaluation() / 1000.0);
            }
        } finally {
            receiver.stop(0);
        }
        System.out.println();
        report("ingest -> visible in GET /v1/query (rollup)", out.stream().mapToLong(Sample::toVisible).toArray(), 1);
        report("ingest -> alert FIRING (evaluator)", out.stream().mapToLong(Sample::toFiring).toArray(), 1000);
        report("minute end -> alert FIRING (settle time + evaluation)",
                out.stream().mapToLong(Sample::minuteEndToFiring).toArray(), 1000);
        report("evaluation finished (FIRING) -> webhook (notifier, 30 s group wait)",
                out.stream().mapToLong(Sample::afterEvaluation).toArray(), 1000);
        report("ingest -> webhook received (end to end)", out.stream().mapToLong(Sample::endToEnd).toArray(), 1000);
    }

    static void report(String what, long[] ms, int unit) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        for (long v : ms) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        String u = unit == 1 ? "ms" : "s";
        System.out.printf(Locale.ROOT, "%-62s min %8.1f %s, mean %8.1f %s, max %8.1f %s%n", what,
                (double) min / unit, u, (double) sum / ms.length / unit, u, (double) max / unit, u);
    }

    static Sample sample(URI base, String key, String hook, BlockingQueue<Arrival> arrivals, int i) throws Exception {
        String metric = "bench.alert_latency.s" + System.currentTimeMillis() + "_" + i;
        String channel = call(base, key, "POST", "/v1/channels", """
                {"name":"latency bench %d","type":"webhook","config":{"url":"%s","signingSecret":"bench-signing-secret-0123"}}"""
                .formatted(i, hook), 201).get("id").asText();
        String monitor = call(base, key, "POST", "/v1/monitors", """
                {"name":"latency bench %d","kind":"threshold","query":{"metric":"%s","agg":"max","window":"1m"},
                 "condition":{"op":"above","critical":90},
                 "evaluation":{"every":"1m","pendingFor":"0m","noData":"ok"},
                 "notify":{"channels":["%s"]}}""".formatted(i, metric, channel), 201).get("id").asText();
        String alertPath = "/v1/alerts/" + URLEncoder.encode(monitor + ":*", StandardCharsets.UTF_8);
        // Spread the samples over the minute: the wait for the next evaluation depends on where the point falls.
        long offset = (7_000 + i * 19_000L) % 60_000;
        long now = System.currentTimeMillis();
        long start = now - now % 60_000 + offset;
        if (start < now + 500) {
            start += 60_000;
        }
        Thread.sleep(start - now);
        arrivals.clear();
        long ingest = System.currentTimeMillis();
        call(base, key, "POST", "/v1/metrics", """
                {"series":[{"metric":"%s","type":"gauge","points":[[%d,500]]}]}""".formatted(metric, ingest), 202);
        String q = "/v1/query?metric=" + metric + "&agg=max&step=60s&from=" + (ingest - 120_000) + "&to="
                + (ingest + 120_000);
        long visible = waitFor(() -> call(base, key, "GET", q, null, 200).path("series").size() > 0, 60_000);
        long firing = waitFor(() -> {
            HttpResponse<String> r = send(base, key, "GET", alertPath, null);
            return r.statusCode() == 200 && JSON.readTree(r.body()).path("state").asText().equals("FIRING");
        }, 200_000);
        // Earlier samples' monitors are deleted, which resolves their alerts: those messages may arrive meanwhile.
        long deadline = System.currentTimeMillis() + 120_000;
        Arrival a;
        do {
            a = arrivals.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (a == null) {
                throw new IllegalStateException("no message about " + monitor + " within 120 s of FIRING");
            }
        } while (!a.body().contains(monitor));
        call(base, key, "DELETE", "/v1/monitors/" + monitor, null, 200);
        return new Sample(ingest, visible, firing, a.atMillis());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static long waitFor(Check c, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (c.ok()) {
                return System.currentTimeMillis();
            }
            Thread.sleep(POLL_MS);
        }
        throw new IllegalStateException("not reached within " + timeoutMs + " ms");
    }

    static HttpResponse<String> send(URI base, String key, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode call(URI base, String key, String method, String path, String body, int expect)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(base, key, method, path, body);
        if (r.statusCode() != expect) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
