import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas in /openapi.json (the subset zod emits: object,
 * array, string with enum/format/pattern/length, integer/number with bounds, boolean,
 * nullable, anyOf/oneOf/allOf, $ref into components). "Valid" values follow the schema, so a
 * request reaches the route's handler; hostile values (hostile-values.ts) are mixed in per
 * field, so the handler also sees what the schema should have refused.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
}

export type Components = Record<string, JsonSchema>;

/** A value that satisfies `schema` (as far as the generator can tell: patterns are honoured when fast-check can read them). */
export function validValue(schema: JsonSchema | undefined, components: Components = {}, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 1 });
  if (schema.$ref) return validValue(components[schema.$ref.replace('#/components/schemas/', '')], components, depth + 1);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validValue(s, components, depth + 1)));
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf), components, depth + 1);
  const base = baseValue(schema, components, depth);
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function baseValue(schema: JsonSchema, components: Components, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringValue(schema);
    case 'integer':
      return fc.integer({ min: Math.max(bound(schema.minimum, -1000), -2147483648), max: Math.min(bound(schema.maximum, 1000), 2147483647) });
    case 'number':
      return fc.double({ min: bound(schema.minimum, -1000), max: bound(schema.maximum, 1000), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items, components, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object':
    case undefined:
      if (!schema.properties) return type === 'object' ? fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) : fc.jsonValue({ maxDepth: 1 });
      return objectValue(schema, (s) => validValue(s, components, depth + 1));
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

function bound(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

const FORMATS: Record<string, () => fc.Arbitrary<string>> = {
  uuid: () => fc.uuid(),
  email: () => fc.emailAddress(),
  'date-time': () => fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  date: () => fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  uri: () => fc.webUrl(),
  url: () => fc.webUrl(),
};

function stringValue(schema: JsonSchema): fc.Arbitrary<string> {
  const format = schema.format ? FORMATS[schema.format] : undefined;
  if (format) return format();
  if (schema.pattern) {
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern));
      return schema.maxLength === undefined ? matching : matching.filter((s) => s.length <= schema.maxLength! && s.length >= (schema.minLength ?? 0));
    } catch {
      // A pattern fast-check cannot generate from: fall back to plain strings of the right length.
    }
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

/** Every required property, each optional one half of the time. */
export function objectValue(schema: JsonSchema, field: (s: JsonSchema) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, s] of Object.entries(properties)) record[name] = field(s);
  const requiredKeys = Object.keys(properties).filter((k) => required.has(k));
  return fc.record(record, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
}
