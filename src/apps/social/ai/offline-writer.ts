import { NETWORK_RULES } from '../providers/rules.js';
import type { Network } from '../schema.js';

/**
 * The offline content adapter: no model, no network, the same answer every time. It turns one
 * draft into a version per network with three documented steps, and each version lists what
 * was done to it (`notes`), so the user can see why the text changed:
 * 1. the tone template (an opening and/or closing line; "professional" also calms "!!!");
 * 2. hashtags from the keywords (#CamelCase, letters and digits only), skipping those the
 *    text already has, up to `max_hashtags`;
 * 3. the network's length limit (providers/rules.ts, counted the network's way): hashtags are
 *    dropped first, then the text is cut at a word boundary with "…".
 */
export const TONES = ['neutral', 'friendly', 'professional', 'playful', 'urgent'] as const;
export type Tone = (typeof TONES)[number];

export interface GenerateRequest {
  draft: string;
  networks: Network[];
  tone: Tone;
  keywords: string[];
  max_hashtags: number;
}

export interface NetworkVersion {
  network: Network;
  text: string;
  length: number;
  max_length: number;
  length_unit: string;
  hashtags: string[];
  notes: string[];
}

const TEMPLATES: Record<Tone, { open?: string; close?: string; describe: string }> = {
  neutral: { describe: 'kept the draft\'s own tone' },
  friendly: { open: 'Hi everyone! ', close: ' 😊', describe: 'friendly tone: a greeting and a smile' },
  professional: { describe: 'professional tone: no emoji, calmer punctuation' },
  playful: { close: ' 🎉', describe: 'playful tone: a celebration emoji' },
  urgent: { open: 'Don\'t miss it: ', close: ' ⏰', describe: 'urgent tone: a call to act now' },
};

const EMOJI = /\p{Extended_Pictographic}\uFE0F?/gu;

export function applyTone(draft: string, tone: Tone): string {
  const t = TEMPLATES[tone];
  let text = draft.trim();
  if (tone === 'professional') text = text.replace(EMOJI, '').replace(/!{2,}/g, '!').replace(/[ \t]{2,}/g, ' ').trim();
  if (t.open && !text.toLowerCase().startsWith(t.open.trim().toLowerCase())) text = t.open + text;
  if (t.close && !text.endsWith(t.close.trim())) text += t.close;
  return text;
}

/** "summer sale" → #SummerSale; "#ai" → #Ai; keywords with nothing left are skipped. */
export function hashtagOf(keyword: string): string | null {
  const words = keyword.replace(/^#+/, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (!words.length) return null;
  return `#${words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`;
}

export function adaptForNetwork(req: GenerateRequest, network: Network, base = applyTone(req.draft, req.tone)): NetworkVersion {
  const rules = NETWORK_RULES[network];
  const notes: string[] = [TEMPLATES[req.tone].describe];
  const existing = new Set((base.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((h) => h.toLowerCase()));
  const tags: string[] = [];
  for (const k of req.keywords) {
    const tag = hashtagOf(k);
    if (!tag || existing.has(tag.toLowerCase()) || tags.some((x) => x.toLowerCase() === tag.toLowerCase())) continue;
    if (tags.length >= req.max_hashtags) break;
    tags.push(tag);
  }
  const compose = (text: string, hashtags: string[]) => (hashtags.length ? `${text}\n\n${hashtags.join(' ')}` : text);
  let text = base;
  while (tags.length && rules.countLength(compose(text, tags)) > rules.maxLength) {
    notes.push(`dropped ${tags.pop()} to stay within ${rules.maxLength} ${rules.lengthUnit}`);
  }
  if (rules.countLength(compose(text, tags)) > rules.maxLength) {
    const before = rules.countLength(text);
    text = shorten(text, (candidate) => rules.countLength(compose(candidate, tags)) <= rules.maxLength);
    notes.push(`shortened the text from ${before} to ${rules.countLength(text)} ${rules.lengthUnit} (limit ${rules.maxLength})`);
  }
  if (tags.length) notes.push(`added ${tags.join(' ')} from the keywords`);
  else if (req.keywords.length && req.max_hashtags > 0) notes.push('added no hashtags (the text already has them, or there was no room)');
  if (rules.mediaRequired) notes.push(`${network === 'instagram' ? 'Instagram' : network} needs an image or a video: attach one before publishing`);
  const final = compose(text, tags);
  return { network, text: final, length: rules.countLength(final), max_length: rules.maxLength, length_unit: rules.lengthUnit, hashtags: tags, notes };
}

/** The longest word-boundary prefix (plus "…") that `fits`; a single over-long word is cut by code points. */
export function shorten(text: string, fits: (candidate: string) => boolean): string {
  const words = text.split(/(?<=\s)/u);
  let lo = 0;
  let hi = words.length;
  // Binary search on the number of whole words kept.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(`${words.slice(0, mid).join('').trimEnd()}…`)) lo = mid;
    else hi = mid - 1;
  }
  if (lo > 0) return `${words.slice(0, lo).join('').trimEnd()}…`;
  const chars = [...text];
  let n = chars.length;
  while (n > 0 && !fits(`${chars.slice(0, n).join('')}…`)) n = Math.floor(n * 0.9);
  return `${chars.slice(0, n).join('')}…`;
}

export function offlineGenerate(req: GenerateRequest): NetworkVersion[] {
  const base = applyTone(req.draft, req.tone);
  return req.networks.map((n) => adaptForNetwork(req, n, base));
}
