/**
 * Shapes of platform answers whose routes do not declare a response schema in /openapi.json
 * yet (so the generated client types them as unknown). Delete each one when its route gains
 * a response schema and use the generated type instead.
 */
export interface Me {
  kind: string;
  user: { id: string; email: string; display_name: string | null; email_verified_at: string | null; tc_accepted_at: string | null; is_superadmin: boolean } | null;
  org: { id: string; name: string; slug: string; plan: string; status: string };
  role: string;
  organizations: Array<{ id: string; name: string; slug: string; role: string }>;
}

export interface Member {
  user_id: string;
  email: string;
  display_name: string | null;
  role: string;
  joined_at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  pages: number;
}

export interface Invite {
  id: string;
  email: string;
  role: string;
  expires_at: string;
  created_at: string;
  accepted_at?: string | null;
  revoked_at?: string | null;
}

export interface CreatedInvite extends Invite {
  token?: string;
}

/** GET /api/v1/admin/orgs items (and, without the counts, the org the other admin routes answer). */
export interface AdminOrg {
  id: string;
  name: string;
  slug: string;
  plan: 'free' | 'pro' | 'enterprise';
  status: 'active' | 'suspended';
  storage_limit_bytes: number;
  storage_used_bytes: number;
  created_at: string;
  members?: number;
  usage_events_30d?: number;
}

export interface AdminStats {
  orgs: number;
  suspended_orgs: number;
  users: number;
  storage_used_bytes: number;
  storage_limit_bytes: number;
  active_api_keys: number;
}
