import { z } from 'zod';
import { ConfigError, type Config } from './config.js';

/**
 * An app's own settings: environment variables named `<PREFIX>_…`, validated with the app's
 * zod schema at start (a bad value stops the process, naming the variable) and read where
 * needed with `settings.load(ctx.config)`. The platform's configuration never names an app;
 * each app declares its prefix and schema here, once.
 */
export interface AppSettings<T> {
  /** Upper-case, e.g. "VISANT": the app's variables are VISANT_*. */
  prefix: string;
  /** The parsed settings, computed once per configuration. Throws ConfigError. */
  load(config: Pick<Config, 'variables'>): T;
}

export function defineAppSettings<Schema extends z.ZodObject, T>(
  prefix: string,
  schema: Schema,
  build: (vars: z.output<Schema>) => T,
): AppSettings<T> {
  if (!/^[A-Z][A-Z0-9]*$/.test(prefix)) throw new Error(`App settings prefix "${prefix}" must be upper-case letters and digits`);
  const known = Object.keys(schema.shape);
  const stray = known.filter((k) => !k.startsWith(`${prefix}_`));
  if (stray.length) throw new Error(`App settings ${stray.join(', ')} must start with ${prefix}_`);
  const cache = new WeakMap<object, T>();
  return {
    prefix,
    load(config) {
      const cached = cache.get(config.variables);
      if (cached !== undefined) return cached;
      const mine = Object.fromEntries(Object.entries(config.variables).filter(([k]) => k.startsWith(`${prefix}_`)));
      // A misspelt variable would otherwise be ignored in silence and its default used.
      const unknown = Object.keys(mine).filter((k) => !known.includes(k));
      if (unknown.length) {
        throw new ConfigError(unknown.map((k) => `${k}: not a ${prefix} setting (known: ${known.join(', ')})`));
      }
      const parsed = schema.safeParse(mine);
      if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      const value = build(parsed.data);
      cache.set(config.variables, value);
      return value;
    },
  };
}
