import { unprocessable } from '../../../platform/errors.js';
import { graphemeCount, mastodonLength, xWeightedLength } from './text-length.js';
import type { Network, PostInput } from './provider.js';
import { label } from './http.js';

/**
 * What each network accepts, checked before anything is sent, so that a post that cannot be
 * published is refused at once with the rule it breaks instead of failing in the job.
 * Sizes and types are the networks' documented limits for the API paths the adapters use.
 */
export interface MediaKindRule {
  types: string[];
  maxBytes: number;
  /** A video's length in seconds (checked once the library's job has measured it). */
  seconds?: { min: number; max: number; /** Within a carousel, where the network differs. */ inCarouselMax?: number };
}

export interface NetworkRules {
  maxLength: number;
  /** How the limit is counted, named in messages. */
  lengthUnit: 'weighted characters' | 'graphemes' | 'characters';
  countLength: (text: string) => number;
  mediaRequired: boolean;
  maxMedia: number;
  image: MediaKindRule;
  /** Absent where the adapter publishes images only. */
  video?: MediaKindRule;
  /** A video must be the post's only media. */
  videoAlone: boolean;
  maxAltLength?: number;
}

const MB = 1024 * 1024;
const utf16 = (text: string) => text.length;

export const NETWORK_RULES: Record<Network, NetworkRules> = {
  x: {
    maxLength: 280,
    lengthUnit: 'weighted characters',
    countLength: xWeightedLength,
    mediaRequired: false,
    maxMedia: 4,
    image: { types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxBytes: 5 * MB },
    // "Duration should be between 0.5 seconds and 140 seconds" (X media best practices).
    video: { types: ['video/mp4', 'video/quicktime'], maxBytes: 512 * MB, seconds: { min: 0.5, max: 140 } },
    videoAlone: true,
    maxAltLength: 1000,
  },
  bluesky: {
    maxLength: 300,
    lengthUnit: 'graphemes',
    countLength: graphemeCount,
    mediaRequired: false,
    maxMedia: 4,
    // The PDS refuses image blobs over 1,000,000 bytes for app.bsky.embed.images.
    image: { types: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 1_000_000 },
    // Through the video service (app.bsky.video.uploadVideo): up to 100 MB and 3 minutes.
    video: { types: ['video/mp4', 'video/quicktime', 'video/webm', 'video/mpeg'], maxBytes: 100 * MB, seconds: { min: 0.5, max: 180 } },
    videoAlone: true,
    maxAltLength: 2000,
  },
  mastodon: {
    maxLength: 500,
    lengthUnit: 'characters',
    countLength: mastodonLength,
    mediaRequired: false,
    maxMedia: 4,
    image: { types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxBytes: 16 * MB },
    video: { types: ['video/mp4', 'video/webm', 'video/quicktime'], maxBytes: 99 * MB },
    videoAlone: true,
    maxAltLength: 1500,
  },
  instagram: {
    maxLength: 2200,
    lengthUnit: 'characters',
    countLength: utf16,
    mediaRequired: true,
    maxMedia: 10,
    image: { types: ['image/jpeg'], maxBytes: 8 * MB },
    // A single video goes as a Reel (3 s to 15 min), a carousel's video item at most 60 s (content publishing reference).
    video: { types: ['video/mp4', 'video/quicktime'], maxBytes: 300 * MB, seconds: { min: 3, max: 15 * 60, inCarouselMax: 60 } },
    videoAlone: false,
  },
  linkedin: {
    maxLength: 3000,
    lengthUnit: 'characters',
    countLength: utf16,
    mediaRequired: false,
    maxMedia: 20,
    image: { types: ['image/jpeg', 'image/png', 'image/gif'], maxBytes: 10 * MB },
    // The Videos API's limits: MP4, 75 KB to 500 MB, 3 seconds to 30 minutes.
    video: { types: ['video/mp4'], maxBytes: 500 * MB, seconds: { min: 3, max: 30 * 60 } },
    videoAlone: true,
    maxAltLength: 4086,
  },
  facebook: {
    maxLength: 63206,
    lengthUnit: 'characters',
    countLength: utf16,
    mediaRequired: false,
    maxMedia: 10,
    image: { types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 4 * MB },
    // A Page video by file_url (a non-resumable upload): up to 1 GB and 20 minutes.
    video: { types: ['video/mp4', 'video/quicktime'], maxBytes: 1024 * MB, seconds: { min: 1, max: 20 * 60 } },
    videoAlone: true,
  },
};

export interface RuleViolation {
  /** A stable name a client can switch on: text_too_long, media_required, too_many_media, media_type, media_too_large, video_too_short, video_too_long, video_not_alone, alt_too_long, empty_post. */
  rule: string;
  message: string;
  mediaIndex?: number;
}

/** `durationSeconds`: a video's, null until the library's job has measured it (then not checked). */
type PostShape = Pick<PostInput, 'text'> & { media: Array<{ contentType: string; size: number; alt?: string; durationSeconds?: number | null }> };

export function checkRules(network: Network, post: PostShape): RuleViolation[] {
  const rules = NETWORK_RULES[network];
  const name = label(network);
  const out: RuleViolation[] = [];
  const length = rules.countLength(post.text);
  if (length > rules.maxLength) {
    out.push({
      rule: 'text_too_long',
      message: `${name} allows ${rules.maxLength.toLocaleString('en')} ${rules.lengthUnit}; this text has ${length.toLocaleString('en')}: shorten it by ${(length - rules.maxLength).toLocaleString('en')}`,
    });
  }
  if (post.text.trim() === '' && post.media.length === 0) out.push({ rule: 'empty_post', message: `A ${name} post needs text or media` });
  if (rules.mediaRequired && post.media.length === 0) out.push({ rule: 'media_required', message: `${name} posts need at least one image or video: add one` });
  if (post.media.length > rules.maxMedia) {
    out.push({ rule: 'too_many_media', message: `${name} allows at most ${rules.maxMedia} media per post; this post has ${post.media.length}` });
  }
  post.media.forEach((m, i) => {
    const kind = m.contentType.startsWith('video/') ? rules.video : rules.image;
    const what = m.contentType.startsWith('video/') ? 'videos' : 'images';
    if (!kind || !kind.types.includes(m.contentType)) {
      const accepted = [...rules.image.types, ...(rules.video?.types ?? [])].join(', ');
      out.push({ rule: 'media_type', mediaIndex: i, message: `${name} does not take ${m.contentType} (media ${i + 1}); it accepts ${accepted}` });
    } else if (m.size > kind.maxBytes) {
      out.push({
        rule: 'media_too_large',
        mediaIndex: i,
        message: `${name} takes ${what} up to ${formatBytes(kind.maxBytes)}; media ${i + 1} is ${formatBytes(m.size)}: compress or resize it`,
      });
    } else if (kind.seconds && m.durationSeconds != null) {
      const max = post.media.length > 1 ? (kind.seconds.inCarouselMax ?? kind.seconds.max) : kind.seconds.max;
      const where = post.media.length > 1 && kind.seconds.inCarouselMax ? ' in a post with several media' : '';
      if (m.durationSeconds < kind.seconds.min) {
        out.push({ rule: 'video_too_short', mediaIndex: i, message: `${name} takes videos of at least ${formatSeconds(kind.seconds.min)}; media ${i + 1} lasts ${formatSeconds(m.durationSeconds)}` });
      } else if (m.durationSeconds > max) {
        out.push({
          rule: 'video_too_long',
          mediaIndex: i,
          message: `${name} takes videos up to ${formatSeconds(max)}${where}; media ${i + 1} lasts ${formatSeconds(m.durationSeconds)}: trim it`,
        });
      }
    }
    if (rules.maxAltLength !== undefined && (m.alt?.length ?? 0) > rules.maxAltLength) {
      out.push({ rule: 'alt_too_long', mediaIndex: i, message: `${name} allows alt text up to ${rules.maxAltLength} characters; media ${i + 1} has ${m.alt!.length}` });
    }
  });
  if (rules.videoAlone && post.media.length > 1 && post.media.some((m) => m.contentType.startsWith('video/'))) {
    out.push({ rule: 'video_not_alone', message: `${name} takes a video only as the post's single media item` });
  }
  return out;
}

/** Throws a 422 naming every broken rule (non-retryable: the same post fails the same way). */
export function assertPublishable(network: Network, post: PostShape): void {
  const violations = checkRules(network, post);
  if (violations.length === 0) return;
  throw unprocessable(violations.map((v) => v.message).join('; '), 'SOCIAL_RULE_VIOLATED', { network, violations });
}

function formatBytes(n: number): string {
  return n >= MB ? `${+(n / MB).toFixed(1)} MB` : `${Math.round(n / 1000)} kB`;
}

/** "0.5 s", "140 s", "15 min", "2 min 20 s". */
function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${+seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const rest = whole % 60;
  return `${Math.floor(whole / 60)} min${rest ? ` ${rest} s` : ''}`;
}
