import { z } from 'zod';

/**
 * Validation messages a user can act on, for every zod schema in the process (routes, forms,
 * configuration, job data). zod's own English messages describe the validator ("Invalid input:
 * expected string, received undefined"); these say what the field needs ("is required",
 * "must be a string"), to be read after the field's name: "password is required".
 * Messages a schema sets itself still win; codes not handled here keep zod's wording.
 */
type Issue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  date: 'a date',
  null: 'null',
};

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  guid: 'a UUID',
  datetime: 'an ISO 8601 date-time such as 2025-05-01T12:00:00Z',
  date: 'a date such as 2025-05-01',
  time: 'a time such as 12:00:00',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  base64: 'base64 text',
  base64url: 'base64url text',
  jwt: 'a JWT',
};

const UNITS: Record<string, string> = { string: 'characters', array: 'items', set: 'items', file: 'bytes' };

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function sizeMessage(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const unit = UNITS[issue.origin];
  if (small && unit && Number(limit) === 1 && !issue.exact) return 'must not be empty';
  const bound = issue.exact ? 'exactly' : issue.inclusive === false ? (small ? 'more than' : 'less than') : small ? 'at least' : 'at most';
  if (unit) return `must have ${bound} ${String(limit)} ${unit}`;
  if (issue.origin === 'date') return `must be ${small ? 'on or after' : 'on or before'} ${new Date(Number(limit)).toISOString()}`;
  return `must be ${bound} ${String(limit)}`;
}

function formatMessage(issue: Issue & { code: 'invalid_format' }): string | undefined {
  const i = issue as Issue & { format: string; prefix?: string; suffix?: string; includes?: string; pattern?: RegExp };
  if (i.format === 'starts_with') return `must start with "${i.prefix}"`;
  if (i.format === 'ends_with') return `must end with "${i.suffix}"`;
  if (i.format === 'includes') return `must include "${i.includes}"`;
  if (i.format === 'regex') return `must match the pattern ${String(i.pattern)}`;
  const name = FORMAT_NAMES[i.format];
  return name ? `must be ${name}` : undefined;
}

export function validationMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      // A query string coerced to a number: the text was not one.
      if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${describeType(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quote(issue.values[0])}` : `must be one of ${issue.values.map(quote).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_format':
      return formatMessage(issue);
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length > 1 ? 'unknown fields' : 'an unknown field'} ${issue.keys.map(quote).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    default:
      return undefined;
  }
}

/** "Invalid body: password is required"; a problem with the whole input reads "Invalid body: the body must be an object". */
export function describeValidationIssue(where: string, path: string, message: string): string {
  return `Invalid ${where}: ${path || `the ${where}`} ${message}`;
}

z.config({ customError: validationMessage });
