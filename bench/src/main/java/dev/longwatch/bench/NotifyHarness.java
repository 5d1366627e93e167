package dev.longwatch.bench;

import com.sun.net.httpserver.HttpServer;
import dev.longwatch.aws.dynamodb.DynamoDbNotifyStore;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.notify.ChannelService;
import dev.longwatch.core.notify.ExecutorWakeups;
import dev.longwatch.core.notify.NotificationConfig;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.notify.Notice;
import dev.longwatch.core.notify.Pacer;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.channel.Notifiers;
import dev.longwatch.core.notify.chat.ActionLinks;
import dev.longwatch.core.notify.secret.KeyFileSealer;
import dev.longwatch.core.notify.secret.SecretBox;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The notifier's speed: (1) messages rendered per second for every channel type (CPU only, a 10-alert group);
 * (2) the whole pipeline on DynamoDB Local in-process and a local HTTP receiver: batches of FIRING transitions
 * through {@code accept} (route, group, mute, claim, deliver, record), notifications delivered per second and the
 * latency from the batch's arrival to each message's arrival at the receiver. Plain main, wall clock.
 *
 * <p>(3) the group wait counted from the data time, with wake-ups: rounds of transitions whose data time lies 25 s
 * back (the evaluator's settle time on AWS), accepted in SQS-sized batches of 10; an in-process wake-up
 * ({@code ExecutorWakeups}) runs the notifier when the groups are due (30 s after the data time); measured: messages
 * per round (one per group), wake-ups asked for, and the latency from the due time to each message's arrival.
 *
 * <p>{@code --batches=20 --groups=50 --hosts=4 --channels=10 --rounds=6}
 */
public final class NotifyHarness {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            String[] kv = s.replaceFirst("^--", "").split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int batches = Integer.parseInt(a.getOrDefault("batches", "20"));
        int groups = Integer.parseInt(a.getOrDefault("groups", "50"));
        int hosts = Integer.parseInt(a.getOrDefault("hosts", "4"));
        int channelsN = Integer.parseInt(a.getOrDefault("channels", "10"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "6"));
        render();
        DynamoDbClient ddb = DynamoDBEmbedded.create(true).dynamoDbClient();
        pipeline(ddb, batches, groups, hosts, channelsN);
        dataTime(ddb, rounds, groups, hosts, channelsN);
        System.exit(0);
    }

    static Notice notice() {
        long at = 1_763_805_600_000L;
        List<Notice.Item> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            AlertTransition t = transition("bench", "m-1", "web-" + i, at, List.of());
            items.add(new Notice.Item(t, false));
        }
        return new Notice(Notice.Kind.ALERT, "bench", "g_bench", Map.of("monitor", "m-1"), items, at, List.of(
                new Notice.Change("Deploy v42", "deploy", at - 600_000, null)), new Notice.Links(
                "https://console.example/a", "https://runbooks.example/r", "https://charts.example/c.png",
                "https://api.example/ack", "https://api.example/sil", "https://api.example/res"), List.of());
    }

    static AlertTransition transition(String tenant, String monitor, String host, long at, List<String> channels) {
        String alertId = monitor + ":" + host;
        return new AlertTransition(AlertTransition.idOf(alertId, at, AlertState.FIRING), tenant, alertId, monitor,
                "Checkout latency", Map.of("host", host), AlertState.PENDING, AlertState.FIRING, Severity.CRITICAL, 2,
                at, at - 300_000, 912.5, 500.0, "p99(http.latency) > 500 for 5m", "metric=http.latency&agg=p99",
                "Checkout p99 is high", "https://runbooks.example/checkout", "team-payments",
                Map.of("monitor", monitor, "host", host, "severity", "critical"), channels, null);
    }

    static void render() {
        Clock clock = Clock.systemUTC();
        Notifiers n = new Notifiers(new HttpTransport(clock), (t, s, m, at) -> {
        }, "http://127.0.0.1:9", clock);
        Notice notice = notice();
        System.out.println("== Rendering a 10-alert group (one thread; 2 s warm-up, 3 s measured per type)");
        System.out.printf("%-12s %12s %10s%n", "type", "renders/s", "bytes");
        for (ChannelType type : ChannelType.values()) {
            Map<String, String> secrets = type == ChannelType.PAGERDUTY ? Map.of("routingKey", "k")
                    : type == ChannelType.SNS ? Map.of() : Map.of("url", "https://h.example/x", "signingSecret", "s");
            Channel ch = new Channel("ch", "bench", "c", type, type == ChannelType.SNS
                    ? Map.of("topicArn", "arn:aws:sns:eu-west-1:123456789012:a") : Map.of(), secrets, 0, 0);
            int bytes = 0;
            long end = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < end) {
                bytes = n.of(type).render(ch, notice, "n").length();
            }
            long count = 0;
            long start = System.nanoTime();
            end = start + 3_000_000_000L;
            while (System.nanoTime() < end) {
                bytes = n.of(type).render(ch, notice, "n").length();
                count++;
            }
            System.out.printf("%-12s %,12.0f %,10d%n", type.wire(), count / ((System.nanoTime() - start) / 1e9), bytes);
        }
    }

    static void pipeline(DynamoDbClient ddb, int batches, int groups, int hosts, int channelsN) throws Exception {
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        AtomicInteger received = new AtomicInteger();
        HttpServer server = receiver(() -> {
            arrivals.add(System.nanoTime());
            received.incrementAndGet();
        });
        TableNames tables = TableNames.defaults().prefixed("bench-");
        TableSetup.createIfMissing(ddb, tables);
        DynamoDbNotifyStore store = new DynamoDbNotifyStore(ddb, tables.notifications());
        Clock clock = Clock.systemUTC();
        SecretBox box = new SecretBox(new KeyFileSealer(Files.createTempDirectory("bench").resolve("k")));
        AtomicInteger ids = new AtomicInteger();
        ChannelService channels = new ChannelService(store, box, clock, () -> "b" + ids.incrementAndGet(), true);
        NotificationConfig config = new NotificationConfig(store, channels,
                new dev.longwatch.aws.dynamodb.DynamoDbAuditLog(ddb, tables.alerting()), clock,
                () -> "b" + ids.incrementAndGet());
        List<String> chIds = new ArrayList<>();
        for (int i = 0; i < channelsN; i++) {
            chIds.add(channels.create("bench", """
                    {"name":"c","type":"webhook","config":{"url":"http://127.0.0.1:%d/h%d","signingSecret":"bench-signing-secret"}}"""
                    .formatted(server.getAddress().getPort(), i)).id());
        }
        NotificationService service = new NotificationService(store, channels, new Notifiers(new HttpTransport(clock),
                (t, s, m, at) -> {
                }, "http://127.0.0.1:9", clock), null, new ActionLinks(store, box, "https://api.example"), null, null,
                Pacer.SLEEP, clock, PlatformMetrics.NONE, NotificationService.Settings.DEFAULT.withConsoleUrl(
                "https://console.example"));
        // Each monitor routes to one channel (its own list), group wait 30 s: a first wait is part of the design, so
        // the harness asks for the flush by ticking at the batch time plus the wait and measures from the tick.
        System.out.printf("%n== Pipeline: %d batches x %d groups x %d hosts, %d webhook channels (DynamoDB Local in-process)%n",
                batches, groups, hosts, channelsN);
        System.out.printf("%-6s %10s %12s %12s %12s %12s%n", "batch", "messages", "accept ms", "tick ms", "p50 ms", "max ms");
        List<Double> allLatencies = new ArrayList<>();
        long totalMessages = 0;
        double totalSeconds = 0;
        for (int b = 0; b < batches + 2; b++) {
            boolean warm = b < 2;
            long at = clock.millis();
            List<AlertTransition> batch = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                List<String> route = List.of(chIds.get(g % channelsN));
                for (int h = 0; h < hosts; h++) {
                    batch.add(transition("bench", "m-" + b + "-" + g, "web-" + h, at, route));
                }
            }
            arrivals.clear();
            int before = received.get();
            long t0 = System.nanoTime();
            service.accept(batch);
            long t1 = System.nanoTime();
            // What the tick does once the group wait is over: flush, claim, send, record.
            NotificationService.RunReport r = service.tick(at + 31_000);
            long t2 = System.nanoTime();
            int got = received.get() - before;
            double[] lat = arrivals.stream().mapToDouble(x -> (x - t1) / 1e6).sorted().toArray();
            if (!warm) {
                totalMessages += got;
                totalSeconds += (t2 - t0) / 1e9;
                Arrays.stream(lat).forEach(allLatencies::add);
                System.out.printf("%-6d %10d %12.1f %12.1f %12.1f %12.1f%n", b - 1, got, (t1 - t0) / 1e6,
                        (t2 - t1) / 1e6, lat.length == 0 ? 0 : lat[lat.length / 2], lat.length == 0 ? 0 : lat[lat.length - 1]);
            }
            if (r.summarized() > 0) {
                System.out.println("  (storm control summarized " + r.summarized() + ")");
            }
        }
        allLatencies.sort(Double::compare);
        System.out.printf("%nnotifications delivered per second (accept + tick, end to end): %,.0f%n",
                totalMessages / totalSeconds);
        System.out.printf("pipeline latency from the flush to arrival at the receiver: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                allLatencies.get(allLatencies.size() / 2), allLatencies.get((int) (allLatencies.size() * 0.99)),
                allLatencies.get(allLatencies.size() - 1));
        server.stop(0);
    }

    /**
     * Rounds of {@code groups x hosts} FIRING transitions with a data time 25 s back, accepted in batches of 10 (as
     * the SQS event source hands them over); the first message of each group is due 30 s after the data time, that
     * is 5 s after the round arrived, and an in-process wake-up runs the notifier then. Wall clock, real waiting.
     */
    static void dataTime(DynamoDbClient ddb, int rounds, int groups, int hosts, int channelsN) throws Exception {
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        HttpServer server = receiver(() -> arrivals.add(System.currentTimeMillis()));
        TableNames tables = TableNames.defaults().prefixed("bench-wake-");
        TableSetup.createIfMissing(ddb, tables);
        DynamoDbNotifyStore store = new DynamoDbNotifyStore(ddb, tables.notifications());
        Clock clock = Clock.systemUTC();
        SecretBox box = new SecretBox(new KeyFileSealer(Files.createTempDirectory("bench").resolve("k")));
        AtomicInteger ids = new AtomicInteger();
        ChannelService channels = new ChannelService(store, box, clock, () -> "w" + ids.incrementAndGet(), true);
        List<String> chIds = new ArrayList<>();
        for (int i = 0; i < channelsN; i++) {
            chIds.add(channels.create("bench", """
                    {"name":"c","type":"webhook","config":{"url":"http://127.0.0.1:%d/h%d","signingSecret":"bench-signing-secret"}}"""
                    .formatted(server.getAddress().getPort(), i)).id());
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        NotificationService[] holder = new NotificationService[1];
        ExecutorWakeups wakeups = new ExecutorWakeups(executor, () -> holder[0].acceptAndTick(List.of()), clock);
        NotificationService service = new NotificationService(store, channels, new Notifiers(new HttpTransport(clock),
                (t, s, m, at) -> {
                }, "http://127.0.0.1:9", clock), null, new ActionLinks(store, box, "https://api.example"), null, null,
                Pacer.SLEEP, clock, PlatformMetrics.NONE, NotificationService.Settings.DEFAULT.withConsoleUrl(
                "https://console.example"), wakeups);
        holder[0] = service;
        System.out.printf("%n== Data-time group wait with wake-ups: %d rounds x %d groups x %d hosts, data time 25 s"
                + " back, batches of 10, group wait 30 s (wall clock)%n", rounds, groups, hosts);
        System.out.printf("%-6s %9s %10s %12s %12s %12s %14s%n", "round", "messages", "wake-ups", "accept ms",
                "due->p50 ms", "due->max ms", "accept->first s");
        List<Double> all = new ArrayList<>();
        for (int r = 0; r < rounds + 1; r++) {
            boolean warm = r == 0;
            // A whole second, as the evaluator's minute ends are, 25 s before now.
            long at = (clock.millis() / 1000) * 1000 - 25_000;
            long due = at + 30_000;
            List<AlertTransition> round = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                List<String> route = List.of(chIds.get(g % channelsN));
                for (int h = 0; h < hosts; h++) {
                    round.add(transition("bench", "r" + r + "-m" + g, "web-" + h, at, route));
                }
            }
            arrivals.clear();
            int pendingBefore = wakeups.pending();
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < round.size(); i += 10) {
                service.accept(round.subList(i, Math.min(round.size(), i + 10)));
            }
            long t1 = System.currentTimeMillis();
            int asked = wakeups.pending() - pendingBefore;
            long deadline = due + 20_000;
            while (arrivals.size() < groups && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // anything beyond one message per group would show here
            double[] lat = arrivals.stream().mapToDouble(x -> x - due).sorted().toArray();
            if (!warm) {
                Arrays.stream(lat).forEach(all::add);
            }
            System.out.printf("%-6s %9d %10d %12d %12.0f %12.0f %14.1f%n", warm ? "warm" : Integer.toString(r),
                    arrivals.size(), asked, t1 - t0, lat.length == 0 ? 0 : lat[lat.length / 2],
                    lat.length == 0 ? 0 : lat[lat.length - 1], lat.length == 0 ? 0 : (lat[0] + due - t0) / 1000.0);
        }
        all.sort(Double::compare);
        if (!all.isEmpty()) {
            System.out.printf("%nfrom the due time to arrival at the receiver: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                            + " (%d messages)%n", all.get(all.size() / 2), all.get((int) (all.size() * 0.99)),
                    all.get(all.size() - 1), all.size());
        }
        executor.shutdownNow();
        server.stop(0);
    }

    /** A local webhook receiver on a free loopback port: answers 200 to everything, {@code onArrival} first. */
    static HttpServer receiver(Runnable onArrival) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            onArrival.run();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        return server;
    }
}
