package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every minute (EventBridge Scheduler): {@link NotificationService#tick} flushes notification groups whose timers
 * ran out (group wait, group interval, repeat, a silence ending) and retries deliveries whose backoff ended.
 */
public final class ScheduledNotifierHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.get(ScheduledNotifierHandler.class);
    private final NotificationService service;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public ScheduledNotifierHandler() {
        this(AwsWiring.get().notificationService(), Clock.systemUTC(), AwsWiring.get().metrics());
    }

    public ScheduledNotifierHandler(NotificationService service, Clock clock, PlatformMetrics metrics) {
        this.service = service;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        try {
            NotificationService.RunReport r = service.tick(clock.millis());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("groupsFlushed", r.groupsFlushed());
            out.put("sent", r.sent());
            out.put("retrying", r.retrying());
            out.put("failed", r.failed());
            out.put("summarized", r.summarized());
            LOG.info("notifier tick done", "groupsFlushed", r.groupsFlushed(), "sent", r.sent());
            return out;
        } finally {
            metrics.flush();
        }
    }
}
