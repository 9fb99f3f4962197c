import type { BusEvent } from './event-bus.js';

/**
 * The compact form events travel in between processes (NOTIFY payloads and Redis messages).
 * `r` replaces `p` when the payload was too large to travel inline and was stored instead.
 */
export interface WireEvent {
  i: string;
  o: string;
  t: string;
  a: string;
  p?: unknown;
  r?: string;
}

export function toWire(event: BusEvent): WireEvent {
  return { i: event.id, o: event.orgId, t: event.topic, a: event.at, p: event.payload };
}

export function fromWire(text: string): WireEvent | null {
  try {
    const w = JSON.parse(text) as Partial<WireEvent>;
    if (typeof w.i !== 'string' || typeof w.o !== 'string' || typeof w.t !== 'string' || typeof w.a !== 'string') return null;
    return w as WireEvent;
  } catch {
    return null;
  }
}
