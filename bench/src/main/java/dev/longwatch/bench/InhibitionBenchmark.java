package dev.longwatch.bench;

import dev.longwatch.core.notify.mute.InhibitionRule;
import dev.longwatch.core.notify.mute.Inhibitor;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mute stage's inhibition check for one alert (what a group flush asks per alert): a warning that no firing
 * alert inhibits, so every rule is tried against every firing source (the worst case). {@code rules = 0} is the
 * built-in rule. Sources: critical alerts on other hosts. Scores are checks per second on one thread: {@code check}
 * within a run, {@code firstCheckOfARun} including the per-run indexing of each rule's sources.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InhibitionBenchmark {
    @Param({"0", "10", "100"})
    public int rules;

    @Param({"100", "1000"})
    public int firing;

    private Inhibitor inhibitor;
    private List<InhibitionRule> ruleList;
    private List<AlertTransition> activeAlerts;
    private AlertTransition target;
    private long at;

    @Setup
    public void setUp() {
        at = 1_795_341_600_000L;
        List<InhibitionRule> rs = new ArrayList<>();
        for (int i = 0; i < rules; i++) {
            // Regex and plain matchers, as people write them; each rule targets warnings.
            rs.add(new InhibitionRule("inh_" + i, List.of("severity=critical", "team=~team-" + (i % 10) + "|ops"),
                    List.of("severity=~warning|info"), List.of("host", "service"), null, 0));
        }
        List<AlertTransition> active = new ArrayList<>();
        for (int i = 0; i < firing; i++) {
            active.add(alert("cpu-high", "web-" + i, Severity.CRITICAL));
        }
        ruleList = rs;
        activeAlerts = active;
        inhibitor = Inhibitor.of(rs, active);
        target = alert("disk-full", "db-1", Severity.WARNING);
        if (inhibitor.inhibits(target, at).isPresent()) {
            throw new IllegalStateException("the benchmark's target must not be inhibited (worst case)");
        }
    }

    static AlertTransition alert(String monitor, String host, Severity sev) {
        Map<String, String> group = Map.of("host", host, "service", "checkout");
        Map<String, String> labels = Map.of("host", host, "service", "checkout", "team", "team-3", "monitor", monitor,
                "severity", sev.wire());
        return new AlertTransition(monitor + ":" + host + "/1/FIRING", "acme", monitor + ":" + host, monitor, monitor,
                group, AlertState.PENDING, AlertState.FIRING, sev, 2, 1, 1, 1.0, 0.5, "c", "metric=m", null, null, null,
                labels, List.of(), null);
    }

    /** A check within a run whose rules have already indexed their sources (every alert after the first). */
    @Benchmark
    public boolean check() {
        return inhibitor.inhibits(target, at).isPresent();
    }

    /** The first check of a run: each rule indexes the firing alerts matching its sources, once per run. */
    @Benchmark
    public boolean firstCheckOfARun() {
        return Inhibitor.of(ruleList, activeAlerts).inhibits(target, at).isPresent();
    }
}
