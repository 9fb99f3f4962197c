import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { notFound } from '../../../platform/errors.js';

/**
 * Font pairings from the fonts that ship with the project: the Google Fonts families installed
 * as npm packages (@expo-google-fonts/*, SIL Open Font Licence). The weights offered are the
 * ones found on disk, so a pairing never names a file that is not there. Previews are SVG with
 * the two fonts embedded, so they render the same in any browser without a font server.
 */
const FAMILIES = {
  montserrat: { package: '@expo-google-fonts/montserrat', name: 'Montserrat', category: 'sans-serif' },
  'playfair-display': { package: '@expo-google-fonts/playfair-display', name: 'Playfair Display', category: 'serif' },
} as const;
type FamilyId = keyof typeof FAMILIES;

export interface FontFace {
  family: string;
  weight: number;
  italic: boolean;
  file: string;
}

export interface FontPairing {
  id: string;
  name: string;
  heading: { family: string; weight: number; category: string };
  body: { family: string; weight: number; category: string };
  /** Why the two go together, for the wizard. */
  rationale: string;
  licence: string;
}

const PAIRINGS: Array<{ id: string; name: string; heading: [FamilyId, number]; body: [FamilyId, number]; rationale: string }> = [
  { id: 'classic-editorial', name: 'Classic editorial', heading: ['playfair-display', 700], body: ['montserrat', 400], rationale: 'A high-contrast serif for headlines over a clean geometric sans: elegant, readable at small sizes' },
  { id: 'modern-contrast', name: 'Modern contrast', heading: ['montserrat', 800], body: ['playfair-display', 400], rationale: 'A heavy geometric sans for impact, a serif body for warmth: confident but literary' },
  { id: 'geometric-clean', name: 'Geometric clean', heading: ['montserrat', 700], body: ['montserrat', 300], rationale: 'One family in two weights: minimal, technical, always consistent' },
  { id: 'luxury-serif', name: 'Luxury serif', heading: ['playfair-display', 900], body: ['playfair-display', 400], rationale: 'One serif family from black to regular: refined, for premium and fashion brands' },
  { id: 'friendly-sans', name: 'Friendly sans', heading: ['montserrat', 600], body: ['montserrat', 400], rationale: 'Medium weights with open shapes: approachable, for everyday brands' },
];

const require = createRequire(import.meta.url);
let facesCache: Map<FamilyId, FontFace[]> | undefined;

/** Every .ttf of the installed families, read from their package folders once. */
export function installedFaces(): Map<FamilyId, FontFace[]> {
  if (facesCache) return facesCache;
  const found = new Map<FamilyId, FontFace[]>();
  for (const [id, fam] of Object.entries(FAMILIES) as Array<[FamilyId, (typeof FAMILIES)[FamilyId]]>) {
    let root: string;
    try {
      root = dirname(require.resolve(`${fam.package}/package.json`));
    } catch {
      continue;
    }
    const faces: FontFace[] = [];
    for (const dir of readdirSync(root)) {
      const m = /^(\d00)[A-Za-z]+?(_Italic)?$/.exec(dir);
      if (!m) continue;
      const ttf = readdirSync(join(root, dir)).find((f) => f.endsWith('.ttf'));
      if (ttf) faces.push({ family: fam.name, weight: Number(m[1]), italic: !!m[2], file: join(root, dir, ttf) });
    }
    if (faces.length) found.set(id, faces.sort((a, b) => a.weight - b.weight));
  }
  facesCache = found;
  return found;
}

function face(id: FamilyId, weight: number): FontFace | undefined {
  return installedFaces().get(id)?.find((f) => f.weight === weight && !f.italic);
}

/** The pairings whose both faces are installed. */
export function fontPairings(): FontPairing[] {
  return PAIRINGS.filter((p) => face(...p.heading) && face(...p.body)).map((p) => ({
    id: p.id,
    name: p.name,
    heading: { family: FAMILIES[p.heading[0]].name, weight: p.heading[1], category: FAMILIES[p.heading[0]].category },
    body: { family: FAMILIES[p.body[0]].name, weight: p.body[1], category: FAMILIES[p.body[0]].category },
    rationale: p.rationale,
    licence: 'SIL Open Font License 1.1',
  }));
}

export function findPairing(id: string): FontPairing | undefined {
  return fontPairings().find((p) => p.id === id);
}

/** The font files of a pairing, for renderers (logo, guide) that embed or outline them. */
export function pairingFiles(id: string): { heading: string; body: string } | undefined {
  const p = PAIRINGS.find((x) => x.id === id);
  const h = p && face(...p.heading);
  const b = p && face(...p.body);
  return h && b ? { heading: h.file, body: b.file } : undefined;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** An SVG showing the pairing: the heading text in the heading face, a sentence in the body face. */
export function pairingPreviewSvg(id: string, text: { heading: string; body: string; color?: string; background?: string }): string {
  const p = findPairing(id);
  const files = pairingFiles(id);
  if (!p || !files) throw notFound('Font pairing', 'NOT_FOUND', `No font pairing "${id}": GET /brandkit/api/fonts lists them`);
  if (!existsSync(files.heading) || !existsSync(files.body)) throw notFound('Font pairing');
  const font = (name: string, file: string) => `@font-face{font-family:'${name}';src:url(data:font/ttf;base64,${readFileSync(file).toString('base64')}) format('truetype');}`;
  const fg = text.color ?? '#1f1f1f';
  const bg = text.background ?? '#ffffff';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="260" viewBox="0 0 800 260">
<style>${font('bk-heading', files.heading)}${font('bk-body', files.body)}</style>
<rect width="800" height="260" fill="${escapeXml(bg)}"/>
<text x="40" y="110" font-family="'bk-heading', ${p.heading.category}" font-weight="${p.heading.weight}" font-size="64" fill="${escapeXml(fg)}">${escapeXml(text.heading)}</text>
<text x="40" y="170" font-family="'bk-body', ${p.body.category}" font-weight="${p.body.weight}" font-size="22" fill="${escapeXml(fg)}">${escapeXml(text.body)}</text>
<text x="40" y="225" font-family="'bk-body', ${p.body.category}" font-size="14" fill="${escapeXml(fg)}" opacity="0.6">${escapeXml(`${p.heading.family} ${p.heading.weight} / ${p.body.family} ${p.body.weight}`)}</text>
</svg>`;
}
