import { randomBytes } from 'node:crypto';
import { multipartForm, type FormFilePart } from '../../../test/support/multipart.js';

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

export interface Account {
  userId: string;
  orgId: string;
  token: string;
  refreshToken: string;
}

/**
 * HTTP calls to the cluster's API nodes, over real sockets. Every call names the node it goes
 * to, so a test says which node served what (the journeys alternate between them).
 */
export class ApiClient {
  /** `nodes` is read at each call: a node replaced after a kill has a new address. */
  constructor(private readonly nodes: () => string[]) {}

  async call(node: number, method: string, path: string, options: { token?: string; json?: unknown; raw?: Buffer; contentType?: string; signal?: AbortSignal } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = new Uint8Array(options.raw);
    }
    const res = await fetch(`${this.nodes()[node]}${path}`, { method, headers, body, signal: options.signal });
    const text = await res.text();
    let parsed: unknown = undefined;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  form(node: number, method: string, path: string, token: string, fields: Record<string, string>, files: FormFilePart[]) {
    const { payload, contentType } = multipartForm(fields, files);
    return this.call(node, method, path, { token, raw: payload, contentType });
  }

  async signup(node: number, label: string): Promise<Account> {
    const email = `${label}-${randomBytes(5).toString('hex')}@cluster.test`;
    const res = await this.call(node, 'POST', '/api/v1/auth/signup', { json: { email, password: 'correct horse battery', org_name: `${label} org` } });
    if (res.status !== 201) throw new Error(`signup on node ${node} failed: ${res.status} ${res.text}`);
    return { userId: res.body.user.id, orgId: res.body.user.org_id, token: res.body.access_token, refreshToken: res.body.refresh_token };
  }
}

/**
 * A client's session kept alive: the access token is swapped for a fresh one (with the
 * refresh token, which rotates) before it expires, as the web app does.
 */
export async function refresh(api: ApiClient, node: number, account: Account): Promise<Answer> {
  const res = await api.call(node, 'POST', '/api/v1/auth/refresh', { json: { refresh_token: account.refreshToken } });
  if (res.status === 200) {
    account.token = res.body.access_token;
    account.refreshToken = res.body.refresh_token;
  }
  return res;
}

/** Fails with the answer in the message unless its status is `expected`. */
export function expectStatus(res: Answer, expected: number, what: string): Answer {
  if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}
