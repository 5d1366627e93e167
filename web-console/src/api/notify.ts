// Channel, silence, maintenance window and inhibition rule types: names for the generated OpenAPI types (src/api/schema.d.ts, tag `notifications`).
import type { components } from './schema';

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
