import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { multipartForm, type FormFilePart } from '../../support/multipart.js';
import { installedApps } from '../../../src/apps/index.js';

/** How long an answer may take here: a stall waits forever, a healthy answer takes milliseconds. */
const BOUND_MS = 10_000;

interface Answer {
  status: number;
  body: string;
}

/**
 * Sends `requests` back to back on one keep-alive connection, as a client reusing a pooled
 * socket does, and resolves with the answers once there is one per request (or rejects after
 * BOUND_MS with what came). Answers are read by their Content-Length.
 */
function onOneConnection(port: number, requests: Buffer[]): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    const answers: Answer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${answers.length} of ${requests.length} requests answered within ${BOUND_MS} ms: ${answers.map((a) => a.status).join(', ')}`));
    }, BOUND_MS);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = buffered.subarray(0, headEnd).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) return;
        answers.push({ status: Number(head.split(' ')[1]), body: buffered.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8') });
        buffered = buffered.subarray(headEnd + 4 + length);
        if (answers.length === requests.length) {
          clearTimeout(timer);
          socket.destroy();
          resolve(answers);
          return;
        }
      }
    });
    socket.on('connect', () => {
      for (const request of requests) socket.write(request);
    });
  });
}

function post(path: string, token: string, body: { payload: Buffer; contentType: string }): Buffer {
  const head = `POST ${path} HTTP/1.1\r\nHost: tenantry.test\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${body.contentType}\r\nContent-Length: ${body.payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body.payload]);
}

const HEALTH = Buffer.from('GET /healthz HTTP/1.1\r\nHost: tenantry.test\r\n\r\n');

/**
 * The fuzzer's stalls: a multipart handler that stopped at an early part left the rest of the
 * body unread, the connection stopped being read, and the next request on it was never
 * answered. Bodies of a megabyte, far past what the socket buffers hold, make it certain.
 */
describe('multipart bodies a handler stops reading early do not stall the connection', () => {
  let t: TestPlatform;
  let user: TestUser;
  let port: number;
  before(async () => {
    t = await startTestPlatform({ apps: installedApps, env: { WORKERS: 'off' } });
    await t.server.listen({ port: 0, host: '127.0.0.1' });
    port = (t.server.server.address() as net.AddressInfo).port;
    user = await t.signup('multipart-stalls');
  });
  after(() => t.close());

  const bigFile = (field: string): FormFilePart => ({ field, filename: 'big.bin', type: 'application/octet-stream', data: randomBytes(1024 * 1024) });

  it('a file part under an unexpected name, refused before it is read, then the next request on the connection', async () => {
    const form = multipartForm({ device_id: 'cam-1' }, [bigFile('logo')]);
    const [refused, next] = await onOneConnection(port, [post('/visant/v1/captures', user.token, form), HEALTH]);
    assert.equal(refused.status, 400, refused.body);
    assert.equal(JSON.parse(refused.body).code, 'UNEXPECTED_FILE');
    assert.equal(next.status, 200, 'the connection still answers');
  });

  it('a bad field before a large file, then the next request on the connection', async () => {
    const form = multipartForm({ device_id: 'cam-1', metadata: '{not json' }, [bigFile('image')]);
    const [refused, next] = await onOneConnection(port, [post('/visant/v1/captures', user.token, form), HEALTH]);
    assert.equal(refused.status, 400, refused.body);
    assert.equal(JSON.parse(refused.body).code, 'VALIDATION_ERROR');
    assert.equal(next.status, 200);
  });

  it('a truncated multipart body (no closing boundary) is answered at once, and so is the next request', async () => {
    // A PNG signature, so the upload is accepted and read to the end, where the form breaks off.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(200_000)]);
    const whole = multipartForm({}, [{ field: 'file', filename: 'a.png', type: 'image/png', data: png }]);
    const cut = { payload: whole.payload.subarray(0, whole.payload.length - 100), contentType: whole.contentType };
    const [refused, next] = await onOneConnection(port, [post('/api/v1/files', user.token, cut), HEALTH]);
    assert.equal(refused.status, 400, refused.body);
    assert.equal(JSON.parse(refused.body).code, 'UPLOAD_INCOMPLETE');
    assert.equal(next.status, 200);
  });

  it('many refused uploads in a row on one connection: every one answered', async () => {
    const form = multipartForm({ device_id: 'cam-1' }, [bigFile('logo')]);
    const answers = await onOneConnection(port, [...Array.from({ length: 5 }, () => post('/visant/v1/captures', user.token, form)), HEALTH]);
    assert.deepEqual(answers.map((a) => a.status), [400, 400, 400, 400, 400, 200]);
  });
});
