/**
 * Multipart uploads with progress. fetch() cannot report upload progress, so forms carrying
 * files go through XMLHttpRequest here: the session's token is attached, an expired token is
 * renewed once and the form sent again (as api.ts does), and a refusal becomes the same
 * ApiError with the server's sentence.
 *
 * `onProgress` receives how many bytes of each file have been sent, worked out from the
 * request's progress and where each file sits in the body (files are sent in form order).
 */
import { ApiError } from './api';
import { session } from './session';

export interface UploadFile {
  field: string;
  file: File;
}

export type UploadProgress = Record<string, number>;

interface Envelope {
  error?: string;
  code?: string;
  details?: Array<{ path?: string; message?: string }>;
}

function send<T>(method: 'POST' | 'PUT', url: string, body: FormData, files: UploadFile[], onProgress?: (p: UploadProgress) => void) {
  return new Promise<{ status: number; body: T | Envelope | undefined; retryAfter: string | null }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    const token = session.get()?.access_token;
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    // The text fields and multipart boundaries are small: the body is essentially the files, in order.
    const sizes = files.map((f) => f.file.size);
    const totalFiles = sizes.reduce((a, b) => a + b, 0);
    xhr.upload.onprogress = (e) => {
      if (!onProgress || !e.lengthComputable) return;
      const overhead = Math.max(0, e.total - totalFiles);
      let sent = Math.max(0, e.loaded - overhead * (e.loaded / e.total));
      const progress: UploadProgress = {};
      files.forEach((f, i) => {
        const part = Math.min(sizes[i], sent);
        progress[f.field] = sizes[i] === 0 ? 1 : part / sizes[i];
        sent -= part;
      });
      onProgress(progress);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: (xhr.response ?? undefined) as T | Envelope | undefined, retryAfter: xhr.getResponseHeader('retry-after') });
    xhr.onerror = () => reject(new ApiError('The upload could not reach the server. Check your connection and try again.', 0, 'NETWORK'));
    xhr.send(body);
  });
}

/** Send `fields` and `files` as multipart/form-data; resolves with the answer's body, or throws an ApiError. */
export async function upload<T>(
  method: 'POST' | 'PUT',
  url: string,
  fields: Record<string, string>,
  files: UploadFile[],
  onProgress?: (p: UploadProgress) => void,
): Promise<T> {
  const form = () => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    for (const f of files) data.append(f.field, f.file, f.file.name);
    return data;
  };
  let res = await send<T>(method, url, form(), files, onProgress);
  if (res.status === 401 && session.get() && (await session.refresh())) res = await send<T>(method, url, form(), files, onProgress);
  if (res.status >= 200 && res.status < 300) {
    onProgress?.(Object.fromEntries(files.map((f) => [f.field, 1])));
    return res.body as T;
  }
  const envelope = res.body as Envelope | undefined;
  if (res.status === 401) session.end('Your session has ended: log in again.');
  let message = envelope?.error ?? (res.status >= 500 ? 'The server could not answer. Try again in a moment.' : `The upload failed (${res.status}).`);
  if (res.status === 429 && res.retryAfter) message = `${message}. Try again in ${res.retryAfter} seconds.`;
  throw new ApiError(message, res.status, envelope?.code ?? `HTTP_${res.status}`, envelope?.details);
}
