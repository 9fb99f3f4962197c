/**
 * Bluesky rich text: links, mentions and hashtags are not parsed from the text by readers; the
 * post carries "facets", each a byte range of the UTF-8 encoded text (not a JavaScript string
 * index: "é" is 2 bytes, an emoji 4) with a feature. Mentions need the DID of the handle, so the
 * caller resolves handles; one that does not resolve stays plain text, as the official app does.
 */
export type FacetFeature =
  | { $type: 'app.bsky.richtext.facet#link'; uri: string }
  | { $type: 'app.bsky.richtext.facet#mention'; did: string }
  | { $type: 'app.bsky.richtext.facet#tag'; tag: string };

export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: FacetFeature[];
}

export interface FacetCandidate {
  kind: 'link' | 'mention' | 'tag';
  /** The URL, the handle (without @) or the tag (without #). */
  value: string;
  byteStart: number;
  byteEnd: number;
}

const LINK = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/gu;
// A handle is a domain name: labels separated by dots, preceded by start or whitespace/punctuation.
const MENTION = /(^|[\s(])@(([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)/gu;
// A tag is # then up to 64 characters up to whitespace, trailing punctuation dropped, not all digits.
const TAG = /(^|\s)[#＃]([^\s#＃]+)/gu;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function detectFacets(text: string): FacetCandidate[] {
  const out: FacetCandidate[] = [];
  for (const m of text.matchAll(LINK)) {
    const start = bytes(text.slice(0, m.index));
    out.push({ kind: 'link', value: m[0], byteStart: start, byteEnd: start + bytes(m[0]) });
  }
  for (const m of text.matchAll(MENTION)) {
    const at = m.index! + m[1].length;
    const handle = m[2].replace(/\.$/, '');
    const start = bytes(text.slice(0, at));
    out.push({ kind: 'mention', value: handle.toLowerCase(), byteStart: start, byteEnd: start + bytes(`@${handle}`) });
  }
  for (const m of text.matchAll(TAG)) {
    const tag = m[2].replace(/\p{P}+$/u, '');
    if (tag.length === 0 || tag.length > 64 || /^\d+$/.test(tag)) continue;
    const at = m.index! + m[1].length;
    const start = bytes(text.slice(0, at));
    out.push({ kind: 'tag', value: tag, byteStart: start, byteEnd: start + bytes(`#${tag}`) });
  }
  return out.sort((a, b) => a.byteStart - b.byteStart);
}

/** Facets for the text; mentions whose handle `resolve` cannot turn into a DID are left out. */
export async function buildFacets(text: string, resolve: (handle: string) => Promise<string | undefined>): Promise<Facet[]> {
  const facets: Facet[] = [];
  for (const c of detectFacets(text)) {
    const index = { byteStart: c.byteStart, byteEnd: c.byteEnd };
    if (c.kind === 'link') facets.push({ index, features: [{ $type: 'app.bsky.richtext.facet#link', uri: c.value }] });
    else if (c.kind === 'tag') facets.push({ index, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: c.value }] });
    else {
      const did = await resolve(c.value);
      if (did) facets.push({ index, features: [{ $type: 'app.bsky.richtext.facet#mention', did }] });
    }
  }
  return facets;
}
