import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound, rangeNotSatisfiable } from '../errors.js';
import { contentDisposition, ObjectNotFoundError, type ByteRange, type GetResult } from './driver.js';

export type RangeRequest = { kind: 'none' } | { kind: 'range'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * One "bytes=" range (RFC 9110 §14.1.2). Malformed or multi-range headers are ignored and the
 * whole object is sent, which the RFC allows; a range entirely past the end is unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'none' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  if (end < start) return { kind: 'none' };
  return { kind: 'range', range: { start, end: Math.min(end, size - 1) } };
}

/** Types a browser may show inline; everything else downloads, so uploaded HTML or SVG never renders on our origin. */
const INLINE = /^(image\/(jpeg|png|webp|gif|avif)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf)$/;

export interface Download {
  size: number;
  contentType: string;
  downloadName: string;
  etag?: string;
  open(range?: ByteRange): Promise<GetResult>;
}

/** Stream a stored object as the response: 200, 206 for a range, 304 for a matching ETag, 416 past the end. */
export async function sendDownload(request: FastifyRequest, reply: FastifyReply, d: Download): Promise<FastifyReply> {
  reply.header('accept-ranges', 'bytes');
  reply.header('cache-control', 'private, max-age=0, must-revalidate');
  if (d.etag) {
    reply.header('etag', d.etag);
    if (request.headers['if-none-match'] === d.etag) return reply.status(304).send();
  }
  const wanted = parseRange(request.headers.range, d.size);
  if (wanted.kind === 'unsatisfiable') {
    throw rangeNotSatisfiable(d.size);
  }
  const range = wanted.kind === 'range' ? wanted.range : undefined;
  let got: GetResult;
  try {
    got = await d.open(range);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) {
      request.log.error({ key: err.key }, 'catalog entry without stored bytes');
      throw notFound('File content', 'CONTENT_MISSING', 'The content of this file is missing from storage: contact support with the request id');
    }
    throw err;
  }
  reply.header('content-type', d.contentType);
  reply.header('content-disposition', contentDisposition(d.downloadName, INLINE.test(d.contentType) ? 'inline' : 'attachment'));
  if (range) {
    reply.status(206);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${d.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(d.size));
  }
  return reply.send(got.stream);
}
