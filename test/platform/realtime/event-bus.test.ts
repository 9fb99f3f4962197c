import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { MemoryEventBus } from '../../../src/platform/realtime/memory-bus.js';
import type { BusEvent } from '../../../src/platform/realtime/event-bus.js';
import { credentialFromWebSocketProtocol, selectWebSocketProtocol } from '../../../src/platform/realtime/ws-protocol.js';

const ORG_A = '0b0c3b5e-1111-4111-8111-111111111111';
const ORG_B = '0b0c3b5e-2222-4222-8222-222222222222';
const tick = () => new Promise((r) => setImmediate(r));

describe('in-process event bus', () => {
  it('delivers by org and topic, never across orgs', async () => {
    const bus = new MemoryEventBus(pino({ level: 'silent' }));
    const a: BusEvent[] = [];
    const b: BusEvent[] = [];
    bus.subscribe(ORG_A, ['news', 'job:1'], (e) => a.push(e));
    bus.subscribe(ORG_B, ['news'], (e) => b.push(e));
    await bus.publish(ORG_A, 'news', { n: 1 });
    await bus.publish(ORG_A, 'job:1', { n: 2 });
    await bus.publish(ORG_B, 'job:1', { n: 3 });
    await bus.publish(ORG_A, 'elsewhere', { n: 4 });
    await tick();
    assert.deepEqual(a.map((e) => [e.orgId, e.topic, e.payload]), [[ORG_A, 'news', { n: 1 }], [ORG_A, 'job:1', { n: 2 }]]);
    assert.equal(b.length, 0);
  });

  it('publishes one event per topic when given several, in order', async () => {
    const bus = new MemoryEventBus(pino({ level: 'silent' }));
    const got: BusEvent[] = [];
    bus.subscribe(ORG_A, ['job:1', 'jobs'], (e) => got.push(e));
    await bus.publish(ORG_A, ['job:1', 'jobs'], { n: 1 });
    await tick();
    assert.deepEqual(got.map((e) => [e.topic, e.payload]), [['job:1', { n: 1 }], ['jobs', { n: 1 }]]);
    assert.notEqual(got[0]!.id, got[1]!.id, 'two events');
    await assert.rejects(bus.publish(ORG_A, ['fine', 'not fine'], {}), /Invalid realtime topic/, 'every topic is checked before anything is delivered');
    await tick();
    assert.equal(got.length, 2);
  });

  it('delivers after publish returns, with a copy of the payload', async () => {
    const bus = new MemoryEventBus(pino({ level: 'silent' }));
    const got: BusEvent[] = [];
    bus.subscribe(ORG_A, ['t'], (e) => got.push(e));
    const payload = { list: [1] };
    await bus.publish(ORG_A, 't', payload);
    assert.equal(got.length, 0, 'not inside the publisher\'s call');
    payload.list.push(2);
    await tick();
    assert.deepEqual(got[0]!.payload, { list: [1] });
  });

  it('stops delivering on unsubscribe and survives a throwing listener', async () => {
    const bus = new MemoryEventBus(pino({ level: 'silent' }));
    const got: number[] = [];
    bus.subscribe(ORG_A, ['t'], () => {
      throw new Error('broken listener');
    });
    const off = bus.subscribe(ORG_A, ['t'], (e) => got.push((e.payload as { n: number }).n));
    await bus.publish(ORG_A, 't', { n: 1 });
    await tick();
    off();
    off();
    await bus.publish(ORG_A, 't', { n: 2 });
    await tick();
    assert.deepEqual(got, [1]);
    assert.equal(bus.router.subscriptionCount, 1, 'only the broken listener is left');
  });

  it('rejects malformed topics and org ids', async () => {
    const bus = new MemoryEventBus(pino({ level: 'silent' }));
    await assert.rejects(bus.publish(ORG_A, 'has space', {}), /Invalid realtime topic/);
    await assert.rejects(bus.publish('not-an-org', 't', {}), /org id/);
    assert.throws(() => bus.subscribe(ORG_A, [''], () => {}), /Invalid realtime topic/);
  });
});

describe('WebSocket subprotocol credential', () => {
  it('reads "bearer.<token>" or "ticket.<ticket>" and never selects either as the protocol', () => {
    assert.deepEqual(credentialFromWebSocketProtocol('tenantry.v1, bearer.abc.def-ghi_'), { kind: 'bearer', value: 'abc.def-ghi_' });
    assert.deepEqual(credentialFromWebSocketProtocol(['tenantry.v1', 'ticket.t1.t2']), { kind: 'ticket', value: 't1.t2' });
    assert.equal(credentialFromWebSocketProtocol('tenantry.v1'), undefined);
    assert.equal(credentialFromWebSocketProtocol('bearer.'), undefined);
    assert.equal(credentialFromWebSocketProtocol(undefined), undefined);
    assert.equal(selectWebSocketProtocol(new Set(['bearer.secret', 'tenantry.v1']), {} as never), 'tenantry.v1');
    assert.equal(selectWebSocketProtocol(new Set(['ticket.secret']), {} as never), false);
  });
});
