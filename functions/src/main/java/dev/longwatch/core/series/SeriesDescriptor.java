package dev.longwatch.core.series;

import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;

/** A known series of a tenant: what the query path needs to find it and read its rollups. */
public record SeriesDescriptor(String tenant, String metric, MetricType type, Tags tags, String id) {

    public static SeriesDescriptor of(SeriesKey key) {
        return new SeriesDescriptor(key.tenant(), key.metric(), key.type(), key.tags(), key.id());
    }

    /** The tenant-qualified id under which rollups are stored. */
    public String qualifiedId() {
        return tenant + "/" + id;
    }
}
