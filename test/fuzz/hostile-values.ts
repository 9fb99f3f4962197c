import fc from 'fast-check';

/**
 * Values a hostile or careless client sends in place of what a field expects: wrong types,
 * numbers past every bound, long and odd unicode strings, injection payloads, prototype keys.
 */
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', '\u0000abc', "'; drop table users; --", "' or '1'='1", '../../../../etc/passwd', '..\\..\\windows',
  '<script>alert(1)</script>', '${jndi:ldap://127.0.0.1/x}', '{{7*7}}', '__proto__', 'constructor', 'NaN', 'Infinity',
  '-1', '0', '1e309', '-9223372036854775809', '0x7fffffff', 'null', 'undefined', 'true', '[]', '{}',
  '\uD800', '\uDFFF\uD800', '\u202e\u0627\u0644', 'ﬁﬂ', 'ℌ𝔢𝔩𝔩𝔬', 'Ａｄｍｉｎ', 'e\u0301'.repeat(50), '😀'.repeat(300),
  '%00', '%', '%zz', '\r\nX-Injected: 1', 'a'.repeat(257), 'a'.repeat(5_000), 'a'.repeat(100_000),
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '2024-02-30T25:61:61Z', '9999-12-31T23:59:59Z',
];

const HOSTILE_NUMBERS = [0, -0, -1, 1.5, -1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, 2 ** 64, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 5e-324];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, ...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')) },
);

/** Whole request bodies sent as application/json that are not what any route expects. */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', 'null', '[]', '"text"', '1e999', '{"a":', '\u0000', '{"__proto__":{"admin":true}}', '['.repeat(10_000) + ']'.repeat(10_000), '{"a":1,"a":2}'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** Path segments inserted as they are (not percent-encoded): malformed escapes and traversal. */
export const RAW_PATH_SEGMENTS = ['%', '%zz', '%00', '%C0%AF', '%FF%FE', '..', '%2e%2e', '%2F', '.', 'a%20b', '%E2%80%AE'];
