// Names for the generated OpenAPI types (src/api/schema.d.ts is generated from ../api-spec/openapi.yaml by
// `npm run gen:api`; test/schema.test.ts fails when it is out of date).
import type { components, operations } from './schema';

type Schemas = components['schemas'];

export type ApiErrorBody = Schemas['Error'];
export type Agg = Schemas['Agg'];
export type MetricType = Schemas['MetricType'];
export type QueryResult = Schemas['QueryResult'];
export type ResultSeries = Schemas['ResultSeries'];
export type ResultPoint = Schemas['ResultPoint'];
export type MetricList = Schemas['MetricList'];
export type MetricInfo = MetricList['metrics'][number];
export type TagList = Schemas['TagList'];
export type EventList = Schemas['EventList'];
export type StoredEvent = Schemas['Event'];
export type Tier = QueryResult['tiers'][number];

export type QueryParams = NonNullable<operations['queryMetric']['parameters']['query']>;
export type EventParams = NonNullable<operations['listEvents']['parameters']['query']>;

/** The aggregations `GET /v1/query` accepts, in the order the console offers them. */
export const AGGS: readonly Agg[] = ['avg', 'sum', 'min', 'max', 'count', 'last', 'p50', 'p90', 'p95', 'p99'];
