import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * XMP sidecars: the files in which Lightroom, Capture One, darktable and Bridge keep what a
 * photographer adds to a photo without touching it (star rating, colour label, title, caption,
 * keywords). `sync_metadata` carries these few fields between the sidecar and the photo's
 * metadata in Aura, as entries prefixed `xmp_`; the photo's other entries are left alone.
 *
 * Only these fields are read, by pattern: an XMP packet is RDF/XML whose properties appear
 * either as attributes of rdf:Description (`xmp:Rating="4"`) or as elements, and the text ones
 * as rdf:Alt / rdf:Bag lists. Anything else in the file is ignored and never rewritten.
 */
export interface XmpFields {
  rating?: number;
  label?: string;
  title?: string;
  description?: string;
  keywords?: string[];
}

/** The sidecar names tools write for `IMG_1.jpg`: `IMG_1.xmp` (Lightroom, Capture One) or `IMG_1.jpg.xmp` (darktable). */
export function sidecarCandidates(rel: string): string[] {
  const ext = path.posix.extname(rel);
  const stem = rel.slice(0, rel.length - ext.length);
  return [`${stem}.xmp`, `${stem}.XMP`, `${rel}.xmp`, `${rel}.XMP`];
}

/** The first sidecar of `rel` that exists under `root`, with its text and hash; null when none. */
export async function readSidecar(root: string, rel: string): Promise<{ rel: string; text: string; hash: string } | null> {
  for (const candidate of sidecarCandidates(rel)) {
    try {
      const text = await readFile(path.join(root, candidate), 'utf8');
      return { rel: candidate, text, hash: createHash('sha256').update(text).digest('hex') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return null;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A simple property, as an attribute or as an element. */
function simple(xml: string, name: string): string | undefined {
  const attr = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(xml);
  if (attr) return unescapeXml(attr[1] ?? attr[2] ?? '');
  const element = new RegExp(`<${name}\\b[^>]*>([^<]*)</${name}>`).exec(xml);
  return element ? unescapeXml(element[1]!) : undefined;
}

/** The items of a list property (rdf:Alt, rdf:Bag or rdf:Seq inside the element). */
function list(xml: string, name: string): string[] | undefined {
  const element = new RegExp(`<${name}\\b[^>]*>([\\s\\S]*?)</${name}>`).exec(xml);
  if (!element) return undefined;
  return [...element[1]!.matchAll(/<rdf:li\b[^>]*>([^<]*)<\/rdf:li>/g)].map((m) => unescapeXml(m[1]!).trim()).filter((v) => v.length > 0);
}

export function parseXmp(xml: string): XmpFields {
  const fields: XmpFields = {};
  const rating = Number(simple(xml, 'xmp:Rating'));
  // -1 is "rejected" in Lightroom and Bridge; 0 is "no rating".
  if (Number.isInteger(rating) && rating >= -1 && rating <= 5) fields.rating = rating;
  const label = simple(xml, 'xmp:Label')?.trim();
  if (label) fields.label = label;
  const title = list(xml, 'dc:title')?.[0];
  if (title) fields.title = title;
  const description = list(xml, 'dc:description')?.[0];
  if (description) fields.description = description;
  const keywords = list(xml, 'dc:subject');
  if (keywords?.length) fields.keywords = keywords;
  return fields;
}

/** Aura's photo metadata entries for the fields (the server keeps strings to 1,000 characters). */
export function xmpToMetadata(fields: XmpFields): Record<string, string | number> {
  const cut = (s: string) => s.slice(0, 1000);
  const entries: Record<string, string | number> = {};
  if (fields.rating !== undefined) entries.xmp_rating = fields.rating;
  if (fields.label) entries.xmp_label = cut(fields.label);
  if (fields.title) entries.xmp_title = cut(fields.title);
  if (fields.description) entries.xmp_description = cut(fields.description);
  if (fields.keywords?.length) entries.xmp_keywords = cut(fields.keywords.join(', '));
  return entries;
}

export function metadataToXmp(metadata: Record<string, unknown>): XmpFields | null {
  const text = (k: string) => (typeof metadata[k] === 'string' && metadata[k] !== '' ? (metadata[k] as string) : undefined);
  const fields: XmpFields = {};
  if (typeof metadata.xmp_rating === 'number') fields.rating = metadata.xmp_rating;
  if (text('xmp_label')) fields.label = text('xmp_label');
  if (text('xmp_title')) fields.title = text('xmp_title');
  if (text('xmp_description')) fields.description = text('xmp_description');
  const keywords = text('xmp_keywords');
  if (keywords) fields.keywords = keywords.split(',').map((k) => k.trim()).filter(Boolean);
  return Object.keys(fields).length > 0 ? fields : null;
}

/** The photo's metadata with its `xmp_` entries replaced by the sidecar's (`exif` is the server's own). */
export function mergeXmpMetadata(current: Record<string, unknown>, fields: XmpFields): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(current).filter(([k]) => !k.startsWith('xmp_') && k !== 'exif'));
  return { ...kept, ...xmpToMetadata(fields) };
}

/** A minimal XMP packet with the fields, as the tools above read it. */
export function writeXmp(fields: XmpFields): string {
  const alt = (name: string, value: string) => `   <${name}><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(value)}</rdf:li></rdf:Alt></${name}>\n`;
  const attrs = [fields.rating !== undefined ? ` xmp:Rating="${fields.rating}"` : '', fields.label ? ` xmp:Label="${escapeXml(fields.label)}"` : ''].join('');
  const body = [
    fields.title ? alt('dc:title', fields.title) : '',
    fields.description ? alt('dc:description', fields.description) : '',
    fields.keywords?.length ? `   <dc:subject><rdf:Bag>${fields.keywords.map((k) => `<rdf:li>${escapeXml(k)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>\n` : '',
  ].join('');
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Tenantry Aura sync agent">\n' +
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n' +
    `  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"${attrs}>\n` +
    body +
    '  </rdf:Description>\n' +
    ' </rdf:RDF>\n' +
    '</x:xmpmeta>\n' +
    '<?xpacket end="w"?>\n'
  );
}
