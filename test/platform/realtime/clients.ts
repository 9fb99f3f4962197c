import http from 'node:http';
import { WebSocket } from 'ws';

/** Real network clients for the realtime endpoints (no inject: streams and upgrades need sockets). */

export interface SseFrame {
  kind: 'event' | 'comment';
  event?: string;
  id?: string;
  data?: string;
  text?: string;
}

class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { match: (x: T) => boolean; resolve: (x: T) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private closedWith: Error | null = null;

  push(item: T) {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(item)) return true;
      clearTimeout(w.timer);
      w.resolve(item);
      return false;
    });
  }

  end(reason: Error) {
    this.closedWith = reason;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    this.waiters = [];
  }

  /** The first item (already received or still to come) that matches, after `from`. */
  next(match: (x: T) => boolean, timeoutMs = 10_000, from = 0): Promise<T> {
    const seen = this.items.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`nothing matching arrived within ${timeoutMs} ms; received ${JSON.stringify(this.items).slice(0, 2000)}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Response body when the stream was refused (status != 200). */
  body: string;
  frames: Inbox<SseFrame>;
  /** Data of events other than "ready", parsed. */
  events(): { id: string; topic: string; payload: unknown; at: string }[];
  nextEvent(match?: (e: { topic: string; payload: unknown }) => boolean, timeoutMs?: number): Promise<{ id: string; topic: string; payload: unknown; at: string }>;
  close(): void;
  closed: Promise<void>;
}

export function openSse(baseUrl: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(pathAndQuery, baseUrl), { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const frames = new Inbox<SseFrame>();
      let buffer = '';
      let body = '';
      let resolveClosed!: () => void;
      const closed = new Promise<void>((r) => (resolveClosed = r));
      res.setEncoding('utf8');
      const parseEvent = (f: SseFrame) => JSON.parse(f.data!) as { id: string; topic: string; payload: unknown; at: string };
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        get body() {
          return body;
        },
        frames,
        events: () => frames.items.filter((f) => f.kind === 'event' && !f.event).map(parseEvent),
        nextEvent: async (match = () => true, timeoutMs = 10_000) =>
          parseEvent(await frames.next((f) => f.kind === 'event' && !f.event && match(parseEvent(f)), timeoutMs)),
        close: () => req.destroy(),
        closed,
      };
      res.on('data', (chunk: string) => {
        if (client.status !== 200) {
          body += chunk;
          return;
        }
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const frame: SseFrame = { kind: 'event' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              frame.kind = 'comment';
              frame.text = line.slice(1).trim();
            } else if (line.startsWith('data: ')) data.push(line.slice(6));
            else if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('id: ')) frame.id = line.slice(4);
          }
          if (data.length) frame.data = data.join('\n');
          frames.push(frame);
        }
      });
      const finish = () => {
        frames.end(new Error('SSE stream closed'));
        resolveClosed();
      };
      res.on('end', finish);
      res.on('close', finish);
      if (client.status !== 200) res.on('end', () => resolve(client));
      else resolve(client);
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

export interface WsMessage {
  type: string;
  [key: string]: unknown;
}

export interface WsClient {
  socket: WebSocket;
  messages: Inbox<WsMessage>;
  send(message: unknown): void;
  close(): Promise<void>;
}

/** Resolves once open; rejects with the HTTP status when the upgrade is refused. */
export function openWs(url: string, protocols: string[] = [], headers: Record<string, string> = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers });
    const messages = new Inbox<WsMessage>();
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as WsMessage));
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
    });
    socket.on('error', (err) => reject(err));
    socket.on('close', () => messages.end(new Error('WebSocket closed')));
    socket.on('open', () =>
      resolve({
        socket,
        messages,
        send: (m) => socket.send(typeof m === 'string' ? m : JSON.stringify(m)),
        close: () =>
          new Promise((r) => {
            if (socket.readyState === socket.CLOSED) return r();
            socket.once('close', () => r());
            socket.close();
          }),
      }),
    );
  });
}
