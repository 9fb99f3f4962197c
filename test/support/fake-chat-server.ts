import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible chat completions server on 127.0.0.1: answers each POST
 * /chat/completions with the next scripted reply (the last one repeats) and records the
 * requests, so the LLM analyzer is tested through its real HTTP client.
 */
export type ScriptedReply = ({ status: number; body: string } | { content: string; usage?: { prompt_tokens: number; completion_tokens: number } }) & { delayMs?: number };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: { model: string; messages: Array<{ role: string; content: string }>; response_format?: { type: string }; temperature?: number };
}

export interface FakeChatServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Resolves when the next request has arrived and been recorded (before its reply). */
  nextRequest(): Promise<void>;
  /** Resolves when a client next gives up on a request before its answer (its own timeout ended the wait); rejects after `timeoutMs`. */
  nextAbandoned(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeChatServer(replies: ScriptedReply[]): Promise<FakeChatServer> {
  const requests: RecordedRequest[] = [];
  const arrivals = new EventEmitter();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    requests.push({ path: req.url, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    arrivals.emit('request');
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    res.on('close', () => {
      if (!res.writableEnded) arrivals.emit('abandoned');
    });
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
      return;
    }
    const usage = reply.usage ?? { prompt_tokens: 1000, completion_tokens: 200 };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    nextRequest: () => once(arrivals, 'request').then(() => undefined),
    nextAbandoned: (timeoutMs = 10_000) => once(arrivals, 'abandoned', { signal: AbortSignal.timeout(timeoutMs) }).then(() => undefined),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
