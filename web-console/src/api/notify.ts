// Channel, route, delivery log, silence, maintenance window and inhibition rule types: names for the generated OpenAPI types (src/api/schema.d.ts, tag `notifications`).
import type { components, operations } from './schema';

type Schemas = components['schemas'];

export type ChannelType = Schemas['ChannelType'];
export type ChannelInput = Schemas['ChannelInput'];
/** A stored channel: its plain settings in `config`, only the names of its secret ones in `secrets`. */
export type Channel = Schemas['Channel'];
export type ChannelList = Schemas['ChannelList'];
/** One delivery (the answer of `POST /v1/channels/{id}/test`). */
export type Notification = Schemas['Notification'];
export type SilenceInput = Schemas['SilenceInput'];
export type Silence = Schemas['Silence'];
export type SilenceList = Schemas['SilenceList'];
export type MaintenanceWindowInput = Schemas['MaintenanceWindowInput'];
export type MaintenanceWindow = Schemas['MaintenanceWindow'];
export type MaintenanceWindowList = Schemas['MaintenanceWindowList'];
export type InhibitionRuleInput = Schemas['InhibitionRuleInput'];
export type InhibitionRule = Schemas['InhibitionRule'];
/** The rules, and whether the built-in rule applies (it does while there are none). */
export type InhibitionRuleList = Schemas['InhibitionRuleList'];
/** What `POST /v1/routes` and `PUT /v1/routes/{id}` take (the timers and `groupBy` have server defaults). */
export type RouteInput = Schemas['RouteInput'];
/** A stored route, with every default filled in. */
export type Route = Schemas['Route'];
export type RouteList = Schemas['RouteList'];
/** A page of the delivery log (`GET /v1/notifications`); `next` is the `after` of the following page. */
export type NotificationList = Schemas['NotificationList'];
export type NotificationParams = NonNullable<operations['listNotifications']['parameters']['query']>;
export type DeliveryStatus = Notification['status'];
