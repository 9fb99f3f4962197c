import { isDeepStrictEqual } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import fastJson from 'fast-json-stringify';
import { ResponseSerializationError, serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { safeEncode, $ZodType } from 'zod/v4/core';

/**
 * The response serializer: every route's zod response schema compiled with fast-json-stringify,
 * where that writes exactly the bytes fastify-type-provider-zod's serializer would (zod's
 * `encode` of the answer, then `JSON.stringify`), and that serializer itself for every schema
 * it could not promise that for. Why: on the social posts list the zod serializer was 14% of
 * the route's CPU (about 80 µs a request for a page of posts); the compiled one writes the
 * same page several times faster (docs/benchmarks.md, 2026-12-03).
 *
 * The conversion walks the zod schema itself rather than going through `z.toJSONSchema`, so
 * that every kind of schema is either known to serialize identically or falls back:
 *
 * - objects become `properties` in the shape's order with no `required` list: fast-json-stringify
 *   writes required properties first, which would reorder keys, and its "is required" check is
 *   zod's job (below). Undeclared keys are dropped, as zod strips them (`additionalProperties`
 *   absent or false); `z.looseObject` keeps them after the declared ones, as zod does.
 * - `z.date()` is a date-time string: fast-json-stringify writes `toISOString()`'s format, which
 *   is what `JSON.stringify` writes for the Date zod hands back unchanged.
 * - strings, numbers, booleans, enums, literals, `unknown`/`any`, arrays, records with plain string
 *   keys, `nullable`, `optional` (as an object property only), `readonly`.
 * - a union only when zod gives back its value unchanged whichever member matches (members
 *   without objects that strip keys, e.g. `string | number`): it is written with `JSON.stringify`.
 *   A union with an object member falls back: fast-json-stringify would pick the member with ajv,
 *   by other rules than zod's "first that parses", and strip by that member.
 *
 * Everything else falls back to the zod serializer, with the reason kept (`serializerPlan`):
 * transforms, pipes and codecs (encode runs them backwards), defaults, prefaults and catches,
 * checks that rewrite a value (`.trim()`, `.toLowerCase()`, `overwrite`), lazy (recursive)
 * schemas, tuples, intersections, records whose keys are checked or enumerated, bigints,
 * custom schemas (the non-JSON answers of `nonJsonResponse`), `undefined` (204).
 *
 * What is lost: the zod serializer also refuses an answer that does not match its schema (a
 * 500, `ResponseSerializationError`), while the compiled one writes what it can. Such an answer
 * is a bug in the route, found by tests: so with `check` on (NODE_ENV=test, which every test
 * platform runs with) every answer still goes through zod's encode first and a mismatch is the
 * same 500 as before; only production skips it.
 *
 * SERIALIZER_CROSSCHECK=1 (`crossCheck`): every compiled answer is also written the zod way and
 * the two compared; a difference is logged as an error and the request fails with a 500 naming the
 * route, so a test run with it on finds any answer this module writes differently. Off by
 * default: it costs the zod serializer's time on top of the compiled one.
 */

export type SerializerPlan = { compiled: true; jsonSchema: JsonSchema } | { compiled: false; reason: string };

type JsonSchema = { [keyword: string]: unknown };
type Position = 'root' | 'property' | 'item';

class Unsupported extends Error {}

/** The JSON schema for fast-json-stringify that writes what zod's serializer writes, or why there is none. */
export function serializerPlan(schema: unknown): SerializerPlan {
  if (!(schema instanceof $ZodType)) return { compiled: false, reason: 'not a zod schema' };
  try {
    return { compiled: true, jsonSchema: convert(schema, 'root', '') };
  } catch (err) {
    if (err instanceof Unsupported) return { compiled: false, reason: err.message };
    throw err;
  }
}

/** Kinds zod gives back as they came (no keys stripped, nothing rewritten): `JSON.stringify` writes them as zod's serializer does. */
const UNCHANGED_LEAVES = new Set(['string', 'number', 'boolean', 'null', 'literal', 'enum', 'date', 'unknown', 'any', 'template_literal']);

function convert(schema: $ZodType, position: Position, path: string): JsonSchema {
  const def = schema._zod.def as ZodDef;
  const where = path || '(the answer)';
  if (def.checks?.some((c) => c._zod.def.check === 'overwrite')) {
    throw new Unsupported(`${where}: a check rewrites the value (trim, toLowerCase, overwrite)`);
  }
  switch (def.type) {
    case 'string':
    case 'template_literal':
      return { type: 'string' };
    case 'number':
      // Not 'integer' for z.int(): fast-json-stringify would truncate a fraction zod refuses.
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'null':
      return { type: 'null' };
    case 'date':
      return { type: 'string', format: 'date-time' };
    case 'unknown':
    case 'any':
      // Written with JSON.stringify, as zod hands the value back untouched. In an array an
      // undefined item would become "undefined" rather than JSON.stringify's null.
      if (position === 'item') throw new Unsupported(`${where}: unknown items of an array`);
      return {};
    case 'literal':
    case 'enum': {
      const values = def.type === 'literal' ? def.values! : Object.values(def.entries!);
      if (values.every((v) => typeof v === 'string')) return { type: 'string' };
      if (values.every((v) => v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string')) return {};
      throw new Unsupported(`${where}: a ${def.type} with values JSON cannot hold`);
    }
    case 'array':
      return { type: 'array', items: convert(def.element!, 'item', `${path}[]`) };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      for (const [key, value] of Object.entries(def.shape!)) {
        properties[key] = convert(value, 'property', path ? `${path}.${key}` : key);
      }
      const catchall = def.catchall?._zod.def.type;
      // z.object strips undeclared keys; z.strictObject (catchall never) refuses them, which the
      // zod check does in tests; z.looseObject (catchall unknown) keeps them as they are.
      if (catchall === undefined || catchall === 'never') return { type: 'object', properties, additionalProperties: false };
      return { type: 'object', properties, ...everyKeyBut__proto__(convert(def.catchall!, 'property', `${path}.*`)) };
    }
    case 'record': {
      const key = def.keyType!._zod.def as ZodDef;
      // zod runs the key schema on every key (and writes enumerated keys in the enum's order).
      if (key.type !== 'string' || key.checks?.length) throw new Unsupported(`${where}: a record whose keys are checked or enumerated`);
      return { type: 'object', ...everyKeyBut__proto__(convert(def.valueType!, 'property', `${path}.*`)) };
    }
    case 'optional':
      // An absent property is left out by both; elsewhere JSON.stringify writes null or nothing.
      if (position !== 'property') throw new Unsupported(`${where}: optional outside an object property`);
      return convert(def.innerType!, position, path);
    case 'nullable': {
      const inner = convert(def.innerType!, position, path);
      return Object.keys(inner).length === 0 ? inner : { ...inner, nullable: true };
    }
    case 'readonly':
      return convert(def.innerType!, position, path);
    case 'union':
      if (def.options!.every((option) => unchanged(option)) && position !== 'item') return {};
      throw new Unsupported(`${where}: a union of objects or arrays (which member zod picks decides what it strips)`);
    default:
      throw new Unsupported(`${where}: ${def.type} (${FALLBACK_REASONS[def.type] ?? 'not converted'})`);
  }
}

/**
 * Keys zod copies (records, loose objects) other than an own `__proto__` (from JSON.parse of
 * stored JSON): zod's copy assigns it, which sets the copy's prototype, so JSON.stringify never
 * writes it; fast-json-stringify would, from `additionalProperties`.
 */
function everyKeyBut__proto__(value: JsonSchema): JsonSchema {
  return { patternProperties: { '^(?!__proto__$)': value }, additionalProperties: false };
}

const FALLBACK_REASONS: Record<string, string> = {
  pipe: 'a pipe or codec, run backwards by encode',
  transform: 'a transform',
  default: 'a default',
  prefault: 'a prefault',
  catch: 'a catch',
  lazy: 'a recursive schema',
  custom: 'a custom schema, e.g. a non-JSON answer',
  undefined: 'no body',
};

/** Whether zod's encode gives this value back unchanged, so JSON.stringify of the value is the answer. */
function unchanged(schema: $ZodType): boolean {
  const def = schema._zod.def as ZodDef;
  if (def.checks?.some((c) => c._zod.def.check === 'overwrite')) return false;
  if (UNCHANGED_LEAVES.has(def.type)) return true;
  switch (def.type) {
    case 'nullable':
    case 'optional':
    case 'readonly':
      return unchanged(def.innerType!);
    case 'array':
      return unchanged(def.element!);
    case 'union':
      return def.options!.every((option) => unchanged(option));
    default:
      return false;
  }
}

/** The parts of zod 4's schema definitions read above. */
interface ZodDef {
  type: string;
  checks?: { _zod: { def: { check: string } } }[];
  shape?: Record<string, $ZodType>;
  catchall?: $ZodType;
  element?: $ZodType;
  innerType?: $ZodType;
  options?: $ZodType[];
  keyType?: $ZodType;
  valueType?: $ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
}

/**
 * Compiled serializers by zod schema, and by the JSON schema they compile (fast-json-stringify
 * takes about a millisecond a schema): every platform a process starts (tests start hundreds)
 * reuses them, also for the schemas routes build inline at registration (`ok(pageSchema(x))`).
 */
const compiledBySchema = new WeakMap<object, ((data: unknown) => string) | null>();
const compiledByJsonSchema = new Map<string, (data: unknown) => string>();

function fallbackReason(schema: unknown): string {
  const plan = serializerPlan(schema);
  return plan.compiled ? 'compiled' : plan.reason;
}

function compiled(schema: unknown): ((data: unknown) => string) | null {
  if (typeof schema !== 'object' || schema === null) return null;
  let serialize = compiledBySchema.get(schema);
  if (serialize === undefined) {
    const plan = serializerPlan(schema);
    if (plan.compiled) {
      const key = JSON.stringify(plan.jsonSchema);
      serialize = compiledByJsonSchema.get(key);
      if (!serialize) {
        serialize = fastJson(plan.jsonSchema) as (data: unknown) => string;
        compiledByJsonSchema.set(key, serialize);
      }
    } else {
      serialize = null;
    }
    compiledBySchema.set(schema, serialize);
  }
  return serialize;
}

export interface CompiledSerializerOptions {
  /** Run zod's encode on every answer first and refuse a mismatch with a 500, as before (tests). */
  check: boolean;
  /** Also write every compiled answer the zod way and fail the request on a difference. */
  crossCheck: boolean;
  log: FastifyBaseLogger;
}

type SerializerCompilerInput = { schema: unknown; method: string; url: string; httpStatus?: string };

/** Fastify's serializer compiler (`app.setSerializerCompiler`). */
export function compiledSerializerCompiler(options: CompiledSerializerOptions) {
  return (route: SerializerCompilerInput): ((data: unknown) => string) => {
    const zodSerialize = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
    const serialize = compiled(route.schema);
    if (!serialize) {
      options.log.debug({ route: `${route.method} ${route.url} (${route.httpStatus ?? 'any status'})`, reason: fallbackReason(route.schema) }, 'response serializer: zod (not compiled)');
      return zodSerialize;
    }
    if (!options.check && !options.crossCheck) return serialize;
    const schema = route.schema as $ZodType;
    return (data) => {
      const encoded = safeEncode(schema, data);
      if (encoded.error) throw new ResponseSerializationError(route.method, route.url, { cause: encoded.error });
      const json = serialize(data);
      if (options.crossCheck) crossCheck(route, json, JSON.stringify(encoded.data), options.log);
      return json;
    };
  };
}

function crossCheck(route: SerializerCompilerInput, compiledJson: string, zodJson: string, log: FastifyBaseLogger): void {
  if (compiledJson === zodJson) return;
  const route_ = `${route.method} ${route.url} (${route.httpStatus ?? 'any status'})`;
  const equal = isDeepStrictEqual(JSON.parse(compiledJson), JSON.parse(zodJson));
  log.error({ route: route_, compiled: compiledJson.slice(0, 2000), zod: zodJson.slice(0, 2000), jsonEqual: equal }, 'SERIALIZER_CROSSCHECK: the compiled serializer wrote a different answer than zod');
  throw new Error(`SERIALIZER_CROSSCHECK: ${route_} was serialized ${equal ? 'with the same JSON but different bytes' : 'differently'} by the compiled serializer`);
}
