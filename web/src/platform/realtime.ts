/**
 * The one place that opens realtime connections (Server-Sent Events on /api/v1/events).
 * How a browser authenticates the stream is changing (a query token today, a short-lived
 * ticket next): only `streamUrl` knows. EventSource reconnects by itself; after each
 * (re)connection `onReady` fires so the page re-reads what it shows (missed events are not
 * replayed).
 */
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

function streamUrl(topics: string[]): string {
  const params = new URLSearchParams({ topics: topics.join(',') });
  const token = session.get()?.access_token;
  if (token) params.set('access_token', token);
  return `/api/v1/events?${params}`;
}

export function subscribe<P>(
  topics: string[],
  handlers: { onEvent(event: RealtimeEvent<P>): void; onReady?(): void; onStatus?(connected: boolean): void },
): Subscription {
  let source: EventSource | null = null;
  let closed = false;
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    source = new EventSource(streamUrl(topics));
    source.addEventListener('ready', () => {
      failures = 0;
      handlers.onStatus?.(true);
      handlers.onReady?.();
    });
    source.onmessage = (message) => handlers.onEvent(JSON.parse(message.data) as RealtimeEvent<P>);
    source.onerror = () => {
      handlers.onStatus?.(false);
      // A stream refused outright (expired token) does not come back by itself: renew the
      // token and open it again, waiting longer after each failure.
      if (source?.readyState === EventSource.CLOSED && !closed) {
        failures += 1;
        retry = setTimeout(async () => {
          await session.refresh();
          if (!closed && session.get()) open();
        }, Math.min(30_000, 1000 * 2 ** failures));
      }
    };
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      source?.close();
    },
  };
}
