import type { ColumnType, Generated } from 'kysely';

/** Kysely table types for the platform's own tables (migrations/001_platform_core.sql). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, string | Record<string, unknown>>;

export type Role = 'owner' | 'admin' | 'editor' | 'member' | 'viewer';
export type Plan = 'free' | 'pro' | 'enterprise';

export interface OrgsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  plan: ColumnType<Plan, Plan | undefined, Plan>;
  storage_limit_bytes: number;
  storage_used_bytes: ColumnType<number, number | undefined, number>;
  /** Bytes reserved by uploads in flight (migrations/002_storage.sql). */
  storage_reserved_bytes: ColumnType<number, number | undefined, number>;
  status: ColumnType<'active' | 'suspended', 'active' | 'suspended' | undefined, 'active' | 'suspended'>;
  settings: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string | null;
  display_name: string | null;
  email_verified_at: NullableTimestamp;
  tc_accepted_at: NullableTimestamp;
  is_superadmin: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  supabase_user_id: string | null;
  /** migrations/009: set by every login that starts a session (sessions.ts recordLogin). */
  last_login_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: Role;
  created_at: Timestamp;
}

export interface InvitesTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface UserTokensTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'password_reset' | 'email_verification';
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  role: ColumnType<Exclude<Role, 'owner'>, Exclude<Role, 'owner'> | undefined, Exclude<Role, 'owner'>>;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  org_id: string;
  actor_type: 'user' | 'api_key' | 'system' | 'superadmin';
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  metadata: Json;
  created_at: Timestamp;
}

export interface UsageEventsTable {
  id: Generated<string>;
  org_id: string;
  user_id: string | null;
  action: string;
  bytes: ColumnType<number, number | undefined, number>;
  metadata: Json;
  created_at: Timestamp;
}

/** Each org's storage used as last seen on a UTC day by the snapshot job (storage-snapshot.ts). */
export interface StorageDailyTable {
  org_id: string;
  /** YYYY-MM-DD (a SQL date). */
  day: ColumnType<string, string, string>;
  storage_used_bytes: ColumnType<number, number, number>;
  recorded_at: ColumnType<Date, Date | undefined, Date>;
}

/** Authenticated API requests per org and UTC day (request-counter.ts). */
export interface RequestDailyTable {
  org_id: string;
  day: ColumnType<string, string, string>;
  requests: ColumnType<number, number, number>;
}

export interface LoginAttemptsTable {
  account: string;
  /** The client address, or '*' for the account over every address. */
  source: string;
  /** Attempts, decaying by half every few minutes (login-throttle.ts). */
  score: number;
  updated_at: Timestamp;
}

/** Bytes left behind when their deletion failed (migration 012); the storage.orphans sweep retries them. */
export interface StorageOrphansTable {
  storage_key: string;
  reason: string;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: ColumnType<'queued' | 'sent' | 'failed' | 'stored', 'queued' | 'sent' | 'failed' | 'stored' | undefined, 'queued' | 'sent' | 'failed' | 'stored'>;
  error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  /** Delivery attempts so far (migration 004). */
  attempts: ColumnType<number, number | undefined, number>;
  last_attempt_at: NullableTimestamp;
}

/** Public share links (migrations/004_sharing.sql). */
export interface ShareLinksTable {
  id: Generated<string>;
  org_id: string;
  app: string;
  resource_type: string;
  resource_id: string;
  filters: Json;
  title: string | null;
  token_prefix: string;
  token_hash: string;
  password_hash: string | null;
  expires_at: Timestamp;
  max_views: number | null;
  view_count: ColumnType<number, number | undefined, number>;
  last_viewed_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** migrations/002_storage.sql: the object catalog. */
export interface StorageObjectsTable {
  id: Generated<string>;
  org_id: string;
  key: string;
  storage_key: string;
  status: ColumnType<'pending' | 'active', 'pending' | 'active' | undefined, 'pending' | 'active'>;
  kind: string;
  size_bytes: ColumnType<number, number | undefined, number>;
  reserved_bytes: ColumnType<number, number | undefined, number>;
  content_type: ColumnType<string, string | undefined, string>;
  sha256: string | null;
  tags: ColumnType<Record<string, string>, string | undefined, string>;
  lifecycle_class: string | null;
  expires_at: NullableTimestamp;
  trashed_at: NullableTimestamp;
  derived_from: string | null;
  variant: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** migrations/003_jobs.sql: what a tenant may see of a background job (the queue is pg-boss). */
export type JobRunState = 'queued' | 'active' | 'retry' | 'completed' | 'failed' | 'cancelled';
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;
export interface JobRunsTable {
  id: string;
  org_id: string;
  name: string;
  state: ColumnType<JobRunState, JobRunState | undefined, JobRunState>;
  progress: ColumnType<number, number | undefined, number>;
  stage: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  checkpoint: NullableJson;
  error: string | null;
  result: NullableJson;
  created_by: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
}

/** migrations/003_jobs.sql: realtime event bodies too large for a NOTIFY payload. */
export interface RealtimePayloadsTable {
  id: Generated<string>;
  org_id: string;
  body: ColumnType<unknown, string, string>;
  created_at: Timestamp;
}

export interface PlatformTables {
  orgs: OrgsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  refresh_tokens: RefreshTokensTable;
  user_tokens: UserTokensTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  usage_events: UsageEventsTable;
  storage_daily: StorageDailyTable;
  request_daily: RequestDailyTable;
  login_attempts: LoginAttemptsTable;
  email_outbox: EmailOutboxTable;
  storage_objects: StorageObjectsTable;
  storage_orphans: StorageOrphansTable;
  share_links: ShareLinksTable;
  job_runs: JobRunsTable;
  realtime_payloads: RealtimePayloadsTable;
}
