/**
 * The API client: openapi-fetch over the types generated from /openapi.json (src/api/), with
 * the session's access token on every request and one silent refresh-and-retry when the
 * token has expired. `call` turns the error envelope into an ApiError whose message is the
 * server's sentence, ready to show to a person.
 */
import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';
import { session } from './session';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: Array<{ path?: string; message?: string }>,
  ) {
    super(message);
  }
}

async function authorizedFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const send = (request: Request) => {
    const token = session.get()?.access_token;
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return fetch(request);
  };
  const res = await send(input);
  if (res.status !== 401 || !session.get() || input.url.includes('/api/v1/auth/')) return res;
  // The access token expired (15 minutes): renew it once and repeat the request.
  const renewed = await session.refresh();
  return renewed ? send(retry) : res;
}

export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: authorizedFetch });

interface Envelope {
  error?: string;
  code?: string;
  details?: Array<{ path?: string; message?: string }>;
}

function messageFor(status: number, body: Envelope | undefined, retryAfter: string | null): string {
  if (body?.error) {
    if (status === 429 && retryAfter) return `${body.error}. Try again in ${retryAfter} seconds.`;
    return body.error;
  }
  if (status >= 500) return 'The server could not answer. Try again in a moment.';
  return `The request failed (${status}).`;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError. `T` names the
 * answer's shape where the route does not declare one in its OpenAPI schema yet.
 */
type FetchResult = { data?: unknown; error?: unknown; response: Response };

export async function call<T = never, R extends FetchResult = FetchResult>(request: Promise<R>): Promise<[T] extends [never] ? NonNullable<R['data']> : T> {
  let result: R;
  try {
    result = await request;
  } catch {
    throw new ApiError('The server cannot be reached. Check your connection and try again.', 0, 'NETWORK');
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const body = error as Envelope | undefined;
    if (response.status === 401 && session.get() && !response.url.includes('/api/v1/auth/')) session.end('Your session has ended: log in again.');
    throw new ApiError(messageFor(response.status, body, response.headers.get('retry-after')), response.status, body?.code ?? 'HTTP_' + response.status, body?.details);
  }
  return data as never;
}

/** The server's message for a field, when a validation error names it. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || !error.details) return undefined;
  return error.details.find((d) => d.path === field)?.message;
}
