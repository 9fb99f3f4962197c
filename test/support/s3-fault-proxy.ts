import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3FaultProxy {
  endpoint: string;
  /** While set, every request is answered with S3's 500 InternalError instead of reaching the server. */
  failing: boolean;
  /** While set, every request is read and then never answered: an object store that hangs. */
  stalled: boolean;
  /** Milliseconds each answer waits before it is relayed: a slow object store that still answers. */
  delayMs: number;
  /** Requests answered with an error, or left hanging, so far. */
  failed: number;
  close(): Promise<void>;
}

/**
 * An HTTP relay in front of s3rver that can answer S3's own error (500 InternalError, the
 * body S3 sends) for every request, leave requests hanging, or answer them late, to see how
 * the platform behaves when its object store fails: the request, the SDK's retries and all.
 */
export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  // The relay reads its switches from the object it returns, so a test flips them directly.
  const proxy: S3FaultProxy = { endpoint: '', failing: false, stalled: false, delayMs: 0, failed: 0, close: async () => {} };
  /** Requests relayed to s3rver and not finished: closing the relay ends them too. */
  const forwards = new Set<http.ClientRequest>();
  const server = http.createServer((req, res) => {
    if (proxy.stalled) {
      proxy.failed++;
      req.resume();
      return;
    }
    if (proxy.failing) {
      proxy.failed++;
      req.resume();
      const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>';
      res.writeHead(500, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    const delay = proxy.delayMs;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        setTimeout(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }, delay);
      },
    );
    forwards.add(forward);
    forward.on('close', () => forwards.delete(forward));
    forward.on('error', () => res.destroy());
    // The client gone mid-request (a node killed during an upload): its relayed request goes
    // too. Left open, s3rver would wait for the rest of the body, and its close for that.
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.endpoint = `http://127.0.0.1:${port}`;
  proxy.close = () => {
    server.closeAllConnections();
    for (const forward of forwards) forward.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
