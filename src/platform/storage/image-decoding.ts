/**
 * What to tell a user whose image the image library (sharp, over libvips) could not decode.
 * libvips' own messages name its decoders and repeat their warnings line after line
 * ("Input buffer has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: …"):
 * meaningless to the person who sent the file, and they leak which library runs here.
 * The full error still goes to the logs through `cause`.
 */

/** libvips failures caused by the bytes themselves (damaged, cut short, not an image, too many pixels). */
const DECODING_FAILURE = /corrupt header|unsupported image format|premature end|bogus|read error|unable to parse|not a known (file )?format|vips|libpng|libjpeg|jpeg datastream|webp|heif|pixel limit|truncated|bad seek|not enough data/i;

export function isImageDecodingFailure(err: unknown): boolean {
  return err instanceof Error && DECODING_FAILURE.test(err.message);
}

/** The image formats sharp decodes, told by their first bytes. */
const SIGNATURES: [string, (b: Buffer) => boolean][] = [
  ['JPEG', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['PNG', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['WebP', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
  ['GIF', (b) => b.toString('latin1', 0, 4) === 'GIF8'],
];

const MIME_FORMATS: Record<string, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/gif': 'GIF' };

/** "JPEG", "PNG", … from the image's first bytes or its content type; undefined when neither tells. */
export function imageFormatName(source: Buffer | string | undefined): string | undefined {
  if (typeof source === 'string') return MIME_FORMATS[source];
  return source ? SIGNATURES.find(([, matches]) => matches(source))?.[0] : undefined;
}

/**
 * The sentence for an image that failed to decode, without the library's internals:
 * "The image is damaged or not a complete JPEG", or that it has too many pixels.
 * `source` is the image's bytes or its content type, to name the format.
 */
export function undecodableImageMessage(err: unknown, source?: Buffer | string, subject = 'The image'): string {
  if (err instanceof Error && /pixel limit/i.test(err.message)) return `${subject} has too many pixels to process`;
  const format = imageFormatName(source);
  return `${subject} is damaged or not a complete ${format ?? 'image'}`;
}
