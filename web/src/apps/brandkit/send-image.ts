/**
 * Brandkit's image routes take the image as the request body itself (image/png, jpeg, webp or
 * gif; not multipart), which the generated client does not send: this sends the file with the
 * session's token and turns a refusal into the same ApiError (the server's sentence) as `call`.
 */
import { ApiError } from '../../platform/api';
import { session } from '../../platform/session';

interface Envelope {
  error?: string;
  code?: string;
  details?: Array<{ path?: string; message?: string }>;
}

export async function sendImage<T>(method: 'POST' | 'PUT', url: string, file: File): Promise<T> {
  const token = session.get()?.access_token;
  const res = await fetch(url, {
    method,
    headers: { 'content-type': file.type || 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: file,
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const envelope = (body ?? {}) as Envelope;
    throw new ApiError(envelope.error ?? `The upload failed (${res.status}).`, res.status, envelope.code ?? 'UPLOAD_FAILED', envelope.details);
  }
  return body as T;
}
