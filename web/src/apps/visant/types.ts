/**
 * Shapes of Visant answers whose routes do not declare a response schema in /openapi.json
 * yet (docs/visant.md describes them). Replace each with the generated type once its route
 * declares one.
 */
export interface DeviceConfig {
  normal_description?: string;
  trigger?: { enabled: boolean; interval_seconds: number };
  notifications?: { email_recipients: string[]; cooldown_minutes: number };
}

export interface Device {
  id: string;
  device_id: string;
  friendly_name: string;
  status: 'active' | 'inactive';
  created_at: string;
  last_seen_at: string | null;
  device_version: string | null;
  config: DeviceConfig;
  online: boolean;
}

export interface RegisteredDevice {
  device: Device;
  api_key: string;
  config_file: { filename: string; content_type: string; content: string };
  qr_code: string;
}

export type CaptureState = 'normal' | 'abnormal' | 'uncertain' | null;

export interface Capture {
  record_id: string;
  device_id: string;
  captured_at: string;
  state: CaptureState;
  score: number | null;
  reason: string | null;
  evaluation_status: 'pending' | 'processing' | 'completed' | 'failed';
  evaluated_at: string | null;
  trigger_label: string | null;
  marked_normal: boolean | null;
  thumbnail_url: string | null;
  image_url?: string | null;
}

export interface CapturePage {
  items: Capture[];
  next_cursor: string | null;
}

export interface CaptureEvent {
  type: 'visant.capture.created' | 'visant.capture.evaluated';
  capture: Capture;
}

export interface ShareLink {
  id: string;
  token_prefix: string;
  device_id: string | null;
  share_type: 'device' | 'capture' | 'date_range';
  title: string | null;
  has_password: boolean;
  expires_at: string;
  max_views: number | null;
  view_count: number;
  status: string;
  created_at?: string;
}

export interface CreatedShareLink extends ShareLink {
  token: string;
  url: string;
  qr_url: string;
}
