import type { FontFamily, FontWeight } from '../fonts.js';
import { rng, seedFrom, type Rng } from '../seeded-random.js';

/**
 * A logo's design decisions, drawn from a seed: layout, type (family, weight, tracking,
 * case), colour scheme, icon and container shape, ornaments. The spec is what the app stores
 * as generation_params; rendering a spec is pure (logo-svg.ts), so a stored logo can be
 * redrawn or varied later.
 *
 * Interface: `LOGO_LAYOUTS`, `LogoSpec`, `specsFor(layout, seed, count, preferredFamily)`
 * (distinct specs), `nearbySpec(spec, step)` (one or two small changes: "vary this one").
 */

export const LOGO_LAYOUTS = ['wordmark', 'monogram', 'icon-wordmark', 'stacked', 'badge'] as const;
export type LogoLayout = (typeof LOGO_LAYOUTS)[number];

export const ICONS = ['initial', 'spark', 'leaf', 'waves', 'chevron', 'orbit', 'peak', 'bloom'] as const;
export const SHAPES = ['circle', 'rounded', 'hexagon', 'diamond', 'shield'] as const;
export const SCHEMES = ['classic', 'duo', 'bold', 'accented'] as const;

export interface LogoSpec {
  layout: LogoLayout;
  seed: number;
  family: FontFamily;
  weight: FontWeight;
  /** Letter spacing in em. */
  tracking: number;
  upper: boolean;
  scheme: (typeof SCHEMES)[number];
  icon: (typeof ICONS)[number];
  shape: (typeof SHAPES)[number];
  /** An accent rule under the wordmark. */
  rule: boolean;
  /** A ring around monograms and badges. */
  ring: boolean;
}

const WEIGHTS: FontWeight[] = [500, 600, 700, 800];
const TRACKINGS = [0, 0.04, 0.08, 0.14];

function draw(layout: LogoLayout, seed: number, family: FontFamily, r: Rng): LogoSpec {
  // The brand's heading family most of the time, the other one for contrast now and then.
  const other: FontFamily = family === 'montserrat' ? 'playfair-display' : 'montserrat';
  return {
    layout,
    seed,
    family: r.chance(0.7) ? family : other,
    weight: r.pick(WEIGHTS),
    tracking: r.pick(TRACKINGS),
    upper: r.chance(0.5),
    scheme: r.pick(SCHEMES),
    icon: r.pick(ICONS),
    shape: r.pick(SHAPES),
    rule: r.chance(0.4),
    ring: r.chance(0.5),
  };
}

/** The attributes that make two logos of a layout look different (others are details). */
function signature(s: LogoSpec): string {
  const visible: Record<LogoLayout, Array<keyof LogoSpec>> = {
    wordmark: ['family', 'weight', 'tracking', 'upper', 'scheme', 'rule'],
    monogram: ['family', 'shape', 'scheme', 'ring', 'weight'],
    'icon-wordmark': ['family', 'icon', 'scheme', 'upper', 'shape'],
    stacked: ['family', 'icon', 'scheme', 'upper', 'shape'],
    badge: ['family', 'shape', 'scheme', 'icon', 'ring'],
  };
  return visible[s.layout].map((k) => String(s[k])).join('|');
}

/** `count` visibly distinct specs for a layout; the same arguments always give the same list. */
export function specsFor(layout: LogoLayout, seed: number, count: number, preferredFamily: FontFamily): LogoSpec[] {
  const seen = new Set<string>();
  const out: LogoSpec[] = [];
  for (let attempt = 0; out.length < count && attempt < count * 40; attempt++) {
    const s = seedFrom(seed, layout, attempt);
    const spec = draw(layout, s, preferredFamily, rng(s));
    const sig = signature(spec);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(spec);
  }
  return out;
}

type Tweak = (s: LogoSpec, r: Rng) => Partial<LogoSpec>;
const TWEAKS: Tweak[] = [
  (s, r) => ({ weight: r.pick(WEIGHTS.filter((w) => w !== s.weight)) }),
  (s, r) => ({ tracking: r.pick(TRACKINGS.filter((t) => t !== s.tracking)) }),
  (s) => ({ upper: !s.upper }),
  (s, r) => ({ scheme: r.pick(SCHEMES.filter((c) => c !== s.scheme)) }),
  (s) => ({ rule: !s.rule }),
  (s) => ({ ring: !s.ring }),
];

/**
 * A close relative of `spec`: the same layout, family, icon and shape with one or two details
 * changed (weight, spacing, case, colours, rule, ring). `step` picks which relative (1, 2, ...).
 */
export function nearbySpec(spec: LogoSpec, step = 1): LogoSpec {
  const s = seedFrom(spec.seed, 'vary', step);
  const r = rng(s);
  for (let attempt = 0; attempt < 20; attempt++) {
    let next: LogoSpec = { ...spec, seed: s };
    const changes = r.int(1, 2);
    for (let i = 0; i < changes; i++) next = { ...next, ...r.pick(TWEAKS)(next, r) };
    if (signature(next) !== signature(spec)) return next;
  }
  return { ...spec, seed: s, scheme: SCHEMES[(SCHEMES.indexOf(spec.scheme) + 1) % SCHEMES.length] };
}
