import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import pino from 'pino';
import { isResponseSerializationError, serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import type { FastifyBaseLogger } from 'fastify';
import { compiledSerializerCompiler, serializerPlan } from '../../../src/platform/http/compiled-serializer.js';

/**
 * The compiled serializer writes byte for byte what fastify-type-provider-zod's serializer
 * (zod's encode, then JSON.stringify) writes, for every kind of schema it compiles, on answers
 * chosen to hit the edges (key order with optional keys first, undeclared keys, escapes, lone
 * surrogates, -0, dates, nulls, records, loose objects); and falls back where it cannot.
 */

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const route = (schema: unknown) => ({ schema, method: 'GET', url: '/test', httpStatus: '200' });
const production = compiledSerializerCompiler({ check: false, crossCheck: false, log });
const zodWay = (schema: z.ZodType, data: unknown) => zodSerializerCompiler(route(schema) as Parameters<typeof zodSerializerCompiler>[0])(data);

function sameBytes(schema: z.ZodType, data: unknown) {
  const plan = serializerPlan(schema);
  assert.ok(plan.compiled, `compiled: ${plan.compiled ? '' : plan.reason}`);
  assert.equal(production(route(schema))(data), zodWay(schema, data));
}

const when = new Date('2026-12-03T10:11:12.345Z');
const post = z.object({
  id: z.uuid(),
  note: z.string().optional(),
  title: z.string(),
  body: z.string().nullable(),
  tags: z.array(z.string()),
  scheduledAt: z.date().nullable(),
  createdAt: z.date(),
  status: z.enum(['draft', 'scheduled']),
  kind: z.literal('post'),
  count: z.int(),
  score: z.number(),
  ok: z.boolean(),
  meta: z.unknown(),
  extra: z.record(z.string(), z.number()),
  nested: z.object({ a: z.string().optional(), b: z.number().nullable() }).nullable(),
  value: z.union([z.string(), z.number(), z.null()]),
});

test('objects: shape order (optional keys before required ones), undeclared keys dropped, absent and undefined keys left out', () => {
  const base = { id: '0b6a1e3c-1f2a-4c3e-9d4b-5a6f7e8d9c0b', title: 't', body: null, tags: [], scheduledAt: null, createdAt: when, status: 'draft', kind: 'post', count: 3, score: -0, ok: true, meta: { x: [1, 'y', null] }, extra: {}, nested: null, value: null };
  sameBytes(post, base);
  sameBytes(post, { secret: 'no', ...base, note: 'n', undeclared: 1, nested: { b: 1, a: undefined, c: 2 }, extra: { z: 1, a: 2, 10: 3, 2: 4 } });
  sameBytes(post, { ...base, note: undefined, meta: undefined, value: 'v' });
  sameBytes(post, { ...base, scheduledAt: new Date(0), score: 1e21, count: -5, value: 1.5, meta: when });
  sameBytes(z.array(post), [base, { ...base, body: 'b' }]);
});

test('strings: escapes, control characters, lone surrogates, long and non-ASCII text', () => {
  const s = z.object({ s: z.string(), list: z.array(z.string()) });
  for (const text of ['', 'plain', 'a"b\\c', 'tab\tnew\nline\u0000', '\ud800 lone', 'é 日本 😀', '\u2028\u2029', 'x'.repeat(6000), `${'"'.repeat(50)}\\`, `${'y'.repeat(45)}\u001f`]) {
    sameBytes(s, { s: text, list: [text, text] });
  }
});

test('loose objects keep undeclared keys after the declared ones, records keep their keys in order', () => {
  sameBytes(z.looseObject({ b: z.string(), a: z.number().optional() }), { z: 1, a: 2, b: 'x', c: { d: [1] }, u: undefined });
  sameBytes(z.record(z.string(), z.object({ n: z.number() })), { b: { n: 1, drop: 2 }, a: { n: 2 }, 1: { n: 3 } });
  sameBytes(z.record(z.string(), z.string().optional()), { a: undefined, b: 'x' });
  // An own __proto__ key (JSON.parse makes one) is dropped by zod's copy of the object.
  const parsed = JSON.parse('{"m":{"x":1,"__proto__":{"y":2},"z":{"w":[]}},"l":{"a":1,"__proto__":{"z":3},"b":2},"u":{"__proto__":1}}');
  sameBytes(z.object({ m: z.record(z.string(), z.unknown()), l: z.looseObject({ a: z.number() }), u: z.unknown() }), parsed);
});

test('top-level arrays, nullable arrays and objects, numbers', () => {
  sameBytes(z.array(z.number()), [1, -0, 0.1, 1e-7, 2 ** 53, -1e300]);
  sameBytes(z.object({ at: z.array(z.date()), years: z.array(z.date().nullable()) }), { at: [when, new Date(-1)], years: [new Date('+012345-01-01T00:00:00Z'), new Date('0099-05-06T07:08:09.010Z'), null] });
  sameBytes(z.object({ a: z.array(z.object({ n: z.number() })).nullable(), o: z.object({}).nullable() }), { a: null, o: {} });
  sameBytes(z.object({ a: z.array(z.object({ n: z.number() })).nullable(), o: z.object({}).nullable() }), { a: [{ n: 1, m: 2 }], o: { x: 1 } });
  sameBytes(z.object({ e: z.enum({ One: 1, Two: 2 }), l: z.literal([1, 'a', true]) }), { e: 2, l: true });
});

test('falls back to zod where the answer would differ or depend on ajv', () => {
  const reasons = {
    transform: z.object({ a: z.string().transform((s) => s.length) }),
    codec: z.object({ a: z.iso.datetime().pipe(z.string()) }),
    default: z.object({ a: z.string().default('x') }),
    trim: z.object({ a: z.string().trim() }),
    objectUnion: z.object({ a: z.union([z.object({ x: z.string() }), z.object({ y: z.string() })]) }),
    discriminated: z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b'), v: z.string() })]),
    checkedKeys: z.record(z.string().regex(/^a/), z.string()),
    enumKeys: z.record(z.enum(['a', 'b']), z.string()),
    lazy: z.object({ a: z.lazy(() => z.string()) }),
    tuple: z.object({ a: z.tuple([z.string(), z.number()]) }),
    bigint: z.object({ a: z.bigint() }),
    noBody: z.undefined(),
    optionalItems: z.array(z.string().optional()),
    unknownItems: z.array(z.unknown()),
  };
  for (const [name, schema] of Object.entries(reasons)) {
    assert.equal(serializerPlan(schema).compiled, false, name);
  }
  // A fallback is the zod serializer itself: it still refuses a wrong answer.
  assert.throws(() => production(route(reasons.discriminated))({ k: 'c' }));
});

test('with check on (tests) a wrong answer is still refused, as zod refuses it; in production it is written', () => {
  const schema = z.object({ a: z.string() });
  const checked = compiledSerializerCompiler({ check: true, crossCheck: false, log })(route(schema));
  assert.throws(() => checked({ a: 1 }), (err) => isResponseSerializationError(err));
  assert.equal(checked({ a: 'x', b: 2 }), '{"a":"x"}');
  assert.equal(production(route(schema))({ a: 1 }), '{"a":"1"}');
});

test('the cross-check fails the answer when the two ways differ', () => {
  // A schema zod and fast-json-stringify read differently on purpose: a getter zod's encode sees once.
  const schema = z.object({ a: z.number() });
  let reads = 0;
  const data = { get a() { return ++reads; } };
  const crossChecked = compiledSerializerCompiler({ check: true, crossCheck: true, log })(route(schema));
  assert.throws(() => crossChecked(data), /SERIALIZER_CROSSCHECK: GET \/test \(200\) was serialized differently/);
  assert.equal(crossChecked({ a: 1 }), '{"a":1}');
});
