package dev.longwatch.core.notify.chart;

/** Port: keeps a chart image and answers an expiring URL to it (AWS: S3 + presigned GET; local-dev: s3proxy). */
public interface ChartStore {
    String put(String tenant, String name, byte[] png);
}
