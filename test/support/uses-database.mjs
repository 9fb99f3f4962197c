// Which test files touch a database. Plain JavaScript: the `npm test` launcher runs it before
// any TypeScript loader.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A file touches a database when it, or anything it imports from this repository, is one of:
 * - code under src/platform/db/ (every way into PGlite or PostgreSQL goes through it);
 * - a file that starts the server or the CLI as a child process (bin/tenantry.js,
 *   src/cli/main.ts), which opens the database its environment names.
 * Only value imports count: `import type` is erased before the code runs. Unresolvable or
 * package imports do not count (a package cannot reach this repository's database code).
 *
 * Errs towards "touches": a file that imports database code without opening it is still run
 * where a database is asked for; a file can only be left out if nothing it loads could open one.
 *
 * Except a file that says, in a line of its own, `// test-database: embedded only`: it runs
 * on PGlite whatever DATABASE_URL says (the embedded database's backup, its DATA_DIR lock, the
 * CLI beside a server on it), so a run on PostgreSQL would only run it a second time.
 */
const EMBEDDED_ONLY = /^\/\/ test-database: embedded only$/m;
const IMPORT = /(?:^|[\s;}])(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
const STARTS_SERVER = /bin\/tenantry\.js|src\/cli\/main\.ts/;

export function createDatabaseUseClassifier(root = process.cwd()) {
  const dbDir = path.join(root, 'src/platform/db') + path.sep;
  /** Per file read: whether it starts a server itself, and the repository files it imports. */
  /** @type {Map<string, { startsServer: boolean, imports: string[] }>} */
  const scanned = new Map();

  /** @param {string} from @param {string} spec */
  const resolve = (from, spec) => {
    const base = path.resolve(path.dirname(from), spec);
    const stem = base.replace(/\.(m?js|tsx?)$/, '');
    return [`${stem}.ts`, `${stem}.tsx`, `${stem}.mjs`, `${stem}.js`, path.join(base, 'index.ts')].find((p) => existsSync(p));
  };

  /** @param {string} file */
  const scan = (file) => {
    let entry = scanned.get(file);
    if (!entry) {
      const source = readFileSync(file, 'utf8');
      const imports = [...source.matchAll(IMPORT)].map((m) => resolve(file, m[1] ?? m[2])).filter((p) => p !== undefined);
      entry = { startsServer: STARTS_SERVER.test(source), imports };
      scanned.set(file, entry);
    }
    return entry;
  };

  /** Everything `file` loads, breadth first, until one of them touches a database. */
  return (/** @type {string} */ file) => {
    if (EMBEDDED_ONLY.test(readFileSync(path.resolve(root, file), 'utf8'))) return false;
    const seen = new Set([path.resolve(root, file)]);
    for (const current of seen) {
      if (current.startsWith(dbDir)) return true;
      const { startsServer, imports } = scan(current);
      if (startsServer) return true;
      for (const next of imports) seen.add(next);
    }
    return false;
  };
}
