/**
 * The one place that opens realtime connections (Server-Sent Events on /api/v1/events).
 * EventSource cannot send an Authorization header, and an access token in a URL ends up in
 * logs, so each connection first asks for a single-use ticket (POST /api/v1/realtime/ticket,
 * 30 s) and passes that. A ticket is spent by its connection, so EventSource's own
 * reconnection cannot work: on any error the stream is closed here and reopened with a new
 * ticket, waiting longer after each failure. After each (re)connection `onReady` fires so the
 * page re-reads what it shows (missed events are not replayed).
 */
import { api, call } from './api';
import { session } from './session';

export interface RealtimeEvent<P = unknown> {
  id: string;
  topic: string;
  payload: P;
  at: string;
}

export interface Subscription {
  close(): void;
}

async function streamUrl(topics: string[]): Promise<string> {
  const { ticket } = await call<{ ticket: string }>(api.POST('/api/v1/realtime/ticket'));
  return `/api/v1/events?${new URLSearchParams({ topics: topics.join(','), ticket })}`;
}

export function subscribe<P>(
  topics: string[],
  handlers: { onEvent(event: RealtimeEvent<P>): void; onReady?(): void; onStatus?(connected: boolean): void },
): Subscription {
  let source: EventSource | null = null;
  let closed = false;
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  // Called by `closed` and then `error` for one ending stream: only the first schedules a retry.
  const reopenLater = () => {
    source?.close();
    source = null;
    handlers.onStatus?.(false);
    if (closed || retry !== undefined) return;
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, Math.min(30_000, 1000 * 2 ** failures));
  };

  const open = async () => {
    if (closed || !session.get()) return;
    let url: string;
    try {
      // The ticket request renews an expired access token by itself (api.ts).
      url = await streamUrl(topics);
    } catch {
      reopenLater();
      return;
    }
    if (closed) return;
    source = new EventSource(url);
    source.addEventListener('ready', () => {
      failures = 0;
      handlers.onStatus?.(true);
      handlers.onReady?.();
    });
    // The server ends the stream when access ends (session expired, member removed…): a new
    // ticket decides whether the user may still listen.
    source.addEventListener('closed', reopenLater);
    source.onmessage = (message) => handlers.onEvent(JSON.parse(message.data) as RealtimeEvent<P>);
    source.onerror = reopenLater;
  };
  void open();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      source?.close();
    },
  };
}
