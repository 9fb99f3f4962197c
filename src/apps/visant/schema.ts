import type { ColumnType, Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = Record<string, unknown>> = ColumnType<T, string | undefined, string>;

export type DeviceStatus = 'active' | 'inactive' | 'transferred';
export type CaptureState = 'normal' | 'abnormal' | 'uncertain';
/** 'awaiting_image': created without its image, which the client said it would attach later. */
export type EvaluationStatus = 'awaiting_image' | 'pending' | 'processing' | 'completed' | 'failed';
export const EVALUATION_STATUSES = ['awaiting_image', 'pending', 'processing', 'completed', 'failed'] as const satisfies readonly EvaluationStatus[];

export interface DeviceConfig {
  normal_description?: string;
  trigger?: { enabled: boolean; interval_seconds: number };
  notifications?: { email_recipients: string[]; cooldown_minutes: number };
}

export interface VisantDevicesTable {
  id: Generated<string>;
  org_id: string;
  device_id: string;
  friendly_name: string | null;
  api_key_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_seen_at: NullableTimestamp;
  last_ip: string | null;
  status: ColumnType<DeviceStatus, DeviceStatus | undefined, DeviceStatus>;
  device_version: string | null;
  config: Json<DeviceConfig>;
}

export interface VisantCapturesTable {
  id: Generated<string>;
  org_id: string;
  record_id: string;
  device_uuid: string;
  captured_at: Timestamp;
  ingested_at: Timestamp;
  image_key: string | null;
  thumbnail_key: string | null;
  image_stored: ColumnType<boolean, boolean | undefined, boolean>;
  thumbnail_stored: ColumnType<boolean, boolean | undefined, boolean>;
  state: CaptureState | null;
  score: number | null;
  reason: string | null;
  agent_details: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  evaluation_status: ColumnType<EvaluationStatus, EvaluationStatus | undefined, EvaluationStatus>;
  evaluated_at: NullableTimestamp;
  evaluation_attempts: ColumnType<number, number | undefined, number>;
  trigger_label: string | null;
  normal_description_file: string | null;
  capture_metadata: Json;
  marked_normal: ColumnType<boolean, boolean | undefined, boolean>;
  fingerprint: Buffer | null;
}

export interface VisantNotificationsTable {
  id: Generated<string>;
  org_id: string;
  device_uuid: string;
  capture_id: string | null;
  recipients: string[];
  sent_at: Timestamp;
}

export interface VisantTables extends PlatformTables {
  visant_devices: VisantDevicesTable;
  visant_captures: VisantCapturesTable;
  visant_notifications: VisantNotificationsTable;
}
