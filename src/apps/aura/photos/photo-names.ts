/** Longest file name kept (bytes), leaving room for a "-99" suffix within a 255-byte segment. */
const MAX_NAME_BYTES = 200;

/**
 * The name an original is stored under: the uploaded name's last segment, made safe for a
 * storage key on every backend (no separators, control characters or leading dot), with the
 * extension of the type its bytes really are.
 */
export function storedName(uploaded: string, extension: string): string {
  const last = uploaded.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let stem = last.replace(/\.[^.]*$/, '').replace(/[\x00-\x1f\x7f]/g, '').replace(/[^\p{L}\p{N} _.()+-]/gu, '_').replace(/^[.\s]+/, '').trim();
  while (Buffer.byteLength(stem) > MAX_NAME_BYTES) stem = stem.slice(0, -1);
  return `${stem || 'photo'}.${extension}`;
}

/** IMG_0001.jpg, then IMG_0001-1.jpg, IMG_0001-2.jpg… for a name already taken by other bytes. */
export function withSuffix(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
}
