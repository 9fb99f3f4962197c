import { openSse, type SseClient } from '../../../test/platform/realtime/clients.js';

/** The node answered the stream request with an error instead of events. */
export class StreamRefused extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`event stream refused: ${status} ${body}`);
  }
}

export interface StreamedEvent {
  id: string;
  topic: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: any;
  at: string;
}

/**
 * A client of one API node's Server-Sent Events (GET /api/v1/events), over the realtime tests'
 * SSE client: opened once the node has subscribed it (its `ready` frame), so that every event
 * published afterwards on any node must reach it.
 */
export class EventStream {
  private constructor(private readonly sse: SseClient) {}

  /** `auth`: a bearer token, or a single-use ticket from POST /api/v1/realtime/ticket. Rejects with StreamRefused. */
  static async open(baseUrl: string, auth: { token: string } | { ticket: string }, topics: string[]): Promise<EventStream> {
    const query = new URLSearchParams({ topics: topics.join(',') });
    if ('ticket' in auth) query.set('ticket', auth.ticket);
    const sse = await openSse(baseUrl, `/api/v1/events?${query}`, 'token' in auth ? { authorization: `Bearer ${auth.token}` } : {});
    if (sse.status !== 200) throw new StreamRefused(sse.status, sse.body);
    await sse.frames.next((f) => f.event === 'ready');
    return new EventStream(sse);
  }

  get events(): StreamedEvent[] {
    return this.sse.events();
  }

  /** The first event, already received or still to come, that matches. */
  waitFor(match: (e: StreamedEvent) => boolean, what: string, timeoutMs = 60_000): Promise<StreamedEvent> {
    return this.sse.nextEvent((e) => match(e as StreamedEvent), timeoutMs).catch((err: Error) => {
      throw new Error(`no event ${what}: ${err.message}`);
    });
  }

  close() {
    this.sse.close();
  }
}
