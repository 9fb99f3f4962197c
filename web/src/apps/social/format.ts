/** Words and colours for Social's states and networks, in one place for every page. */
import type { Network, PostStatus } from './types';

export const NETWORKS: Network[] = ['x', 'linkedin', 'facebook', 'instagram', 'bluesky', 'mastodon'];

export const NETWORK_LABELS: Record<Network, string> = {
  x: 'X',
  linkedin: 'LinkedIn',
  facebook: 'Facebook Page',
  instagram: 'Instagram',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
};

export const networkLabel = (n: string) => NETWORK_LABELS[n as Network] ?? n;

export const STATUS_LABELS: Record<PostStatus, string> = {
  draft: 'Draft',
  pending_approval: 'Waiting for approval',
  approved: 'Approved',
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  published: 'Published',
  partially_published: 'Partly published',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const STATUS_COLORS: Record<string, string> = {
  draft: 'gray',
  pending_approval: 'yellow',
  approved: 'teal',
  scheduled: 'blue',
  publishing: 'indigo',
  published: 'green',
  partially_published: 'orange',
  failed: 'red',
  cancelled: 'gray',
  queued: 'blue',
};

/** An instant shown in a zone, with the zone named (a slot means nothing without it). */
export function inZone(value: string | null | undefined, timeZone: string): string {
  if (!value) return '—';
  try {
    return `${new Date(value).toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' })} (${timeZone})`;
  } catch {
    return new Date(value).toLocaleString();
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1024))} kB`;
}

/** What the library says of a file's shape: "1080×1920 · 0:42" (size, and a video's length once measured). */
export function mediaShape(m: { width: number | null; height: number | null; duration_seconds: number | null }): string {
  const parts: string[] = [];
  if (m.width && m.height) parts.push(`${m.width}×${m.height}`);
  if (m.duration_seconds !== null) {
    const seconds = Math.round(m.duration_seconds);
    parts.push(`${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`);
  }
  return parts.map((p) => ` · ${p}`).join('');
}
