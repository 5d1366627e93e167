package dev.longwatch.aws.cloudwatch;

import dev.longwatch.core.importer.CloudWatchMetricsSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MessageData;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link CloudWatchMetricsSource} with the AWS SDK's CloudWatch client (which speaks Smithy RPC v2 CBOR since
 * SDK 2.3x). The client is injected, so tests point it at a local endpoint; SDK errors are thrown as they are.
 */
public final class CloudWatchSdkMetricsSource implements CloudWatchMetricsSource {
    private final CloudWatchClient client;
    private final String region;

    public CloudWatchSdkMetricsSource(CloudWatchClient client) {
        this.client = client;
        Region r = client.serviceClientConfiguration().region();
        this.region = r == null ? null : r.id();
    }

    @Override
    public Page getMetricData(List<MetricQuery> queries, Instant start, Instant end, String nextToken) {
        List<MetricDataQuery> q = new ArrayList<>(queries.size());
        for (MetricQuery m : queries) {
            List<Dimension> dims = new ArrayList<>(m.dimensions().size());
            for (Map.Entry<String, String> d : m.dimensions().entrySet()) {
                dims.add(Dimension.builder().name(d.getKey()).value(d.getValue()).build());
            }
            q.add(MetricDataQuery.builder().id(m.id()).returnData(true)
                    .metricStat(MetricStat.builder()
                            .metric(Metric.builder().namespace(m.namespace()).metricName(m.metricName())
                                    .dimensions(dims).build())
                            .period(m.periodSeconds()).stat(m.statistic()).build())
                    .build());
        }
        GetMetricDataResponse r = client.getMetricData(b -> b.metricDataQueries(q).startTime(start).endTime(end)
                .scanBy(ScanBy.TIMESTAMP_ASCENDING).nextToken(nextToken));
        List<QueryResult> results = new ArrayList<>(r.metricDataResults().size());
        for (MetricDataResult d : r.metricDataResults()) {
            List<Instant> ts = d.timestamps();
            List<Double> vs = d.values();
            int n = Math.min(ts.size(), vs.size());
            long[] t = new long[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = ts.get(i).toEpochMilli();
                v[i] = vs.get(i) == null ? Double.NaN : vs.get(i);
            }
            results.add(new QueryResult(d.id(), d.statusCodeAsString(), t, v, messages(d.messages())));
        }
        return new Page(results, r.nextToken(), messages(r.messages()));
    }

    private static List<String> messages(List<MessageData> messages) {
        List<String> out = new ArrayList<>(messages.size());
        for (MessageData m : messages) {
            out.add(m.code() + ": " + m.value());
        }
        return out;
    }

    @Override
    public String region() {
        return region;
    }
}
