#!/usr/bin/env python3
"""The month of docs/cost.md from the cost harness' counts: reads bench/results/cost-*.txt (one file per
scenario, as `bench/run cost` writes them) and prints the scenario table in Markdown. Prices are us-east-1
list prices as quoted in docs/cost.md; change them here and there together.

    python3 bench/cost-month.py bench/results/cost-collector-w300.txt ...

Every run simulates one hour of the whole fleet's ingest (requests and Kinesis counted for all shards) and rolls
up and archives the records of --consume-shards of --shards shards: DynamoDB and S3 per point come from that
share, Lambda invocations of the consumers per shard. The month is 30 days: 432 million points for 10,000
series at one point a minute.
"""
import math
import re
import sys

HOURS = 720                      # 30-day month
STREAM_HOURS = 730               # AWS bills shard/stream hours over 730 h a month
POINTS_MONTH = 10_000 * 43_200   # 432 M

API_PER_M = 1.00                 # API Gateway HTTP API, per million requests
LAMBDA_GBS = 0.0000133334        # arm64, per GB-s
LAMBDA_PER_M = 0.20              # per million requests
KDS_OD_STREAM_HOUR = 0.04        # on-demand, per stream-hour
KDS_OD_IN_GB = 0.08              # on-demand, per GB in (records rounded up to 1 KB)
KDS_OD_OUT_GB = 0.04             # on-demand, per GB out per standard consumer (same rounding)
KDS_SHARD_HOUR = 0.015           # provisioned, per shard-hour
KDS_PUT_UNIT_PER_M = 0.014       # provisioned, per million 25 KB PUT payload units
WRU_PER_M = 0.625                # DynamoDB on-demand
RRU_PER_M = 0.125
DDB_GB_MONTH = 0.25
S3_PUT_LIST_PER_K = 0.005
S3_GET_PER_K = 0.0004
LOGS_GB = 0.50
CW_METRIC_MONTH = 0.30
CW_PUT_PER_K = 0.01

CONSUMERS = 2                    # rollup and archive mappings
LOG_KB_PER_INVOCATION = 0.5
INGEST_MB = 512
INGEST_ROUND_TRIP_MS = 20        # PutRecords from the ingest Lambda
ROLLUP_GB, ARCHIVE_GB, COMPACTOR_GB = 1.5, 1.0, 1.5
COMPACTOR_MONTH = 0.64           # 43,200 runs, ~47,000 GB-s (docs/cost.md; not per scenario)
HOUR_TIER_GB, DAY_TIER_GB = 35.7, 1.5   # steady state, 15 months of hour slabs and the day tier (docs/cost.md)
S3_STORAGE_MONTH = 0.15          # 15 months of archive at 3.5 B/point (docs/cost.md)
ALARMS_DASHBOARD_MONTH = 4.00    # ~10 alarms at $0.10 and the platform dashboard ($3): part of the floor


def num(pattern, text, group=1):
    m = re.search(pattern, text)
    if not m:
        raise ValueError("not found: " + pattern)
    return float(m.group(group).replace(",", ""))


def scenario(path):
    t = open(path).read()
    way = re.search(r"ingest (per-host|collector|kinesis)", t).group(1)
    # The minute tier written from the archive (--minute-tier=archive): no rollup mapping, one stream consumer.
    archive_mode = "minute tier from the archive:" in t
    window = 0 if archive_mode else int(num(r"; (\d+) s batching window", t))
    shards = int(num(r"(\d+) shard\(s\), \d+ of them rolled up", t))
    consumed = int(num(r"shard\(s\), (\d+) of them rolled up", t))
    requests = num(r"ingest API requests \(= ingest Lambda invocations\): ([\d,]+)", t)
    ingest_ms = num(r"ingest Lambda invocations\): [\d,]+ \(([\d.]+) ms each here", t)
    records = num(r"PutRecords calls, ([\d,]+) records", t)
    kb = num(r"([\d,]+) KB billed on-demand", t)
    units = num(r"([\d,]+) PUT payload units", t)
    kbytes = num(r"records \([\d.]+ per point\), ([\d,]+) bytes", t)
    need = int(num(r"-> (\d+) \(a bucket", t))
    rollup_n = num(r"rollup Lambda invocations: ([\d,]+)", t)
    rollup_ms = 0.0 if rollup_n == 0 else num(r"rollup Lambda invocations: [\d,]+ \(([\d.]+) ms each", t)
    archive_n = num(r"archive Lambda invocations: ([\d,]+)", t)
    archive_ms = num(r"archive Lambda invocations: [\d,]+ \(([\d.]+) ms each", t)
    wcu = num(r"\| longwatch-rollups \|[^\n]*\| ([\d.]+) \| ([\d.]+) \|\n", t, 1)
    rcu = num(r"\| longwatch-rollups \|[^\n]*\| ([\d.]+) \| ([\d.]+) \|\n", t, 2)
    state_w = num(r"\| longwatch-state \|[^\n]*\| ([\d.]+) \| ([\d.]+) \|\n", t, 1)
    state_r = num(r"\| longwatch-state \|[^\n]*\| ([\d.]+) \| ([\d.]+) \|\n", t, 2)
    minute_bpp = num(r"minute tier: ([\d.]+) bytes per point", t)
    s3_put = num(r"requests: ([\d,]+) PUT", t)
    s3_get = num(r"PUT \([\d,]+ bytes sent\), ([\d,]+) GET", t)
    s3_list = num(r"GET \([\d,]+ bytes read\), ([\d,]+) LIST", t)
    # The evaluator's fresh tail in archive mode (one round a minute per tenant), counted apart by the harness.
    tail = re.search(r"evaluator's fresh tail \([^)]*\): \d+ rounds, ([\d,]+) GET, ([\d,]+) LIST", t)
    tail_get, tail_list = ((float(tail.group(1).replace(",", "")), float(tail.group(2).replace(",", "")))
                           if tail else (0.0, 0.0))

    c = {}
    inv = 0
    if way != "kinesis":
        c["api"] = requests * HOURS * API_PER_M / 1e6
        gbs = requests * HOURS * (ingest_ms + INGEST_ROUND_TRIP_MS) / 1000 * INGEST_MB / 1024
        c["ingest"] = gbs * LAMBDA_GBS + requests * HOURS * LAMBDA_PER_M / 1e6
        inv += requests * HOURS
    else:
        c["api"] = c["ingest"] = 0.0
    gb = kb * HOURS / 1024 / 1024
    consumers = 1 if archive_mode else CONSUMERS
    od = STREAM_HOURS * KDS_OD_STREAM_HOUR + gb * (KDS_OD_IN_GB + consumers * KDS_OD_OUT_GB)
    prov = need * STREAM_HOURS * KDS_SHARD_HOUR + units * HOURS * KDS_PUT_UNIT_PER_M / 1e6
    per_shard = shards / consumed
    rn = rollup_n * per_shard * HOURS
    an = archive_n * per_shard * HOURS
    c["rollup"] = rn * rollup_ms / 1000 * ROLLUP_GB * LAMBDA_GBS + rn * LAMBDA_PER_M / 1e6
    c["archive"] = an * archive_ms / 1000 * ARCHIVE_GB * LAMBDA_GBS + an * LAMBDA_PER_M / 1e6
    c["compactor"] = COMPACTOR_MONTH
    if archive_mode:
        # On top: the hourly run that writes the minute slabs (measured per consumed shard's share).
        work_s = num(r"hour-slab writes, ([\d.]+) s each here", t)
        c["compactor"] += work_s * per_shard * HOURS * COMPACTOR_GB * LAMBDA_GBS
    inv += rn + an + 43_200
    c["writes"] = (wcu + state_w) * POINTS_MONTH / 1000 * WRU_PER_M / 1e6
    c["reads"] = (rcu + state_r) * POINTS_MONTH / 1000 * RRU_PER_M / 1e6
    c["storage"] = (minute_bpp * POINTS_MONTH / 1e9 + HOUR_TIER_GB + DAY_TIER_GB) * DDB_GB_MONTH
    # Per-batch objects scale with shards; the compactor's LISTs (2 a run) do not.
    c["s3"] = ((s3_put * per_shard * HOURS + s3_list * HOURS) * S3_PUT_LIST_PER_K
               + s3_get * per_shard * HOURS * S3_GET_PER_K) / 1000 + S3_STORAGE_MONTH
    # GETs grow with the shards (one object per shard and batch); LISTs with the pages (1,000 keys) an hour's
    # objects of all shards fill, against the pages of the one shard measured.
    pages = math.ceil(s3_put * per_shard / 1000) / max(1, math.ceil(s3_put / 1000))
    c["tail"] = (tail_list * pages * HOURS * S3_PUT_LIST_PER_K + tail_get * per_shard * HOURS * S3_GET_PER_K) / 1000
    c["logs"] = inv * LOG_KB_PER_INVOCATION / 1024 / 1024 * LOGS_GB
    c["alarms"] = ALARMS_DASHBOARD_MONTH
    rest = sum(c.values())
    # CloudWatch for the same data and the same batching: per host and minute, or 1,000 metrics per request.
    if way == "per-host":
        cw_requests = 1_000 * 43_200
    else:
        flushes = num(r"collector flushes ([\d,]+)", t)
        series_per_flush = 10_000 * (3600 / flushes) / 60
        cw_requests = flushes * HOURS * math.ceil(series_per_flush / 1000)
    cw = 10_000 * CW_METRIC_MONTH + cw_requests * CW_PUT_PER_K / 1000
    return dict(way=way, window=window, need=need, records=records * HOURS, kb=kb * HOURS, units=units * HOURS,
                bytes=kbytes * HOURS, requests=requests * HOURS, od=od, prov=prov, c=c, rest=rest, cw=cw,
                wcu=wcu, rcu=rcu)


def main(paths):
    rows = sorted((scenario(p) for p in paths), key=lambda s: (["per-host", "collector", "kinesis"].index(s["way"]),
                                                                s["window"] or 10_000))
    print("| ingest | window | requests / month | records / month | KB billed on-demand | rollup WCU / RCU per 1,000 "
          "points | ingest path $ (API + Lambda) | stream $ on-demand / provisioned (shards) | DynamoDB $ (writes + "
          "reads + storage) | other $ | **total $, on-demand / provisioned** | CloudWatch $ | **ratio** |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in rows:
        c = s["c"]
        ingest = c["api"] + c["ingest"]
        ddb = c["writes"] + c["reads"] + c["storage"]
        other = c["rollup"] + c["archive"] + c["compactor"] + c["s3"] + c["tail"] + c["logs"] + c["alarms"]
        od = s["rest"] + s["od"]
        pv = s["rest"] + s["prov"]
        window = "minutes from archive" if s["window"] == 0 else f"{s['window']} s"
        print(f"| {s['way']} | {window} | {s['requests'] / 1e6:,.2f} M | {s['records'] / 1e6:,.2f} M | "
              f"{s['kb'] / 1e6:,.1f} M | {s['wcu']:.1f} / {s['rcu']:.1f} | {ingest:,.2f} | "
              f"{s['od']:,.2f} / {s['prov']:,.2f} ({s['need']}) | {c['writes']:,.2f} + {c['reads']:,.2f} + "
              f"{c['storage']:,.2f} | {other:,.2f} | **{od:,.0f} / {pv:,.0f}** | {s['cw']:,.0f} | "
              f"**{s['cw'] / od:.1f}x / {s['cw'] / pv:.1f}x** |")
    print()
    print("Other = Lambda rollup + archive + compactor, S3 requests and storage, the evaluator's archive reads "
          "(archive mode), CloudWatch Logs, alarms and the dashboard. Per scenario:")
    for s in rows:
        c = s["c"]
        print(f"- {s['way']} {'archive' if s['window'] == 0 else str(s['window']) + ' s'}: " + ", ".join(f"{k} {v:,.2f}" for k, v in c.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
