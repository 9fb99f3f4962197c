import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error: plain JavaScript (the launcher loads it before any TypeScript loader), without declarations.
import { createDatabaseUseClassifier } from './uses-database.mjs';

/** `npm test -- --database-files-only` leaves a file out only if nothing it loads could open a database. */
describe('which test files use a database', () => {
  let root: string;
  let usesDatabase: (file: string) => boolean;
  const files: Record<string, string> = {
    'src/platform/db/database.ts': `export const open = () => 'db';`,
    'src/platform/config.ts': `import type { Db } from './db/database.js';\nexport type Config = { db?: Db };`,
    'src/media/render.ts': `import { type Config } from '../platform/config.js';\nexport const render = (c: Config) => c;`,
    'src/media/cycle-a.ts': `import { b } from './cycle-b.js';\nexport const a = () => b;`,
    'src/media/cycle-b.ts': `import { a } from './cycle-a.js';\nexport const b = () => a;`,
    'src/app/service.ts': `import { a } from '../media/cycle-a.js';\nexport { open } from '../platform/db/database.js';\nexport const s = a;`,
    'test/support/helper.ts': `const mod = await import('../../src/app/service.js');\nexport default mod;`,
    'test/render.test.ts': `import { render } from '../src/media/render.js';\nimport type { Db } from '../src/platform/db/database.js';\nimport { a } from '../src/media/cycle-a.js';\nrender({}); a();`,
    'test/service.test.ts': `import { a } from '../src/media/cycle-a.js';\nimport helper from './support/helper.js';\na(); helper;`,
    'test/cli.test.ts': `import { spawn } from 'node:child_process';\nspawn(process.execPath, ['bin/tenantry.js', 'migrate']);`,
    'test/package-only.test.ts': `import pg from 'pg';\nimport { missing } from './not-there.js';\npg; missing;`,
    'test/embedded.test.ts': `// test-database: embedded only\nimport { spawn } from 'node:child_process';\nspawn(process.execPath, ['bin/tenantry.js', 'backup']);`,
    'test/embedded-mention.test.ts': `import { spawn } from 'node:child_process';\n/* not a marker: // test-database: embedded only */\nspawn(process.execPath, ['bin/tenantry.js', 'backup']);`,
  };
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'uses-database-'));
    for (const [file, source] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), source);
    }
    usesDatabase = createDatabaseUseClassifier(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('a file whose imports reach the database code uses it, through re-exports, dynamic imports and cycles', () => {
    assert.equal(usesDatabase('test/service.test.ts'), true);
  });

  it('a file that starts the server or the CLI as a child process uses a database', () => {
    assert.equal(usesDatabase('test/cli.test.ts'), true);
  });

  it('type-only imports, packages and unresolvable paths do not count (control: the same modules by value do)', () => {
    assert.equal(usesDatabase('test/render.test.ts'), false);
    assert.equal(usesDatabase('test/package-only.test.ts'), false);
    assert.equal(usesDatabase('src/app/service.ts'), true);
  });

  it('a file marked to run on the embedded database whatever DATABASE_URL says is left out (control: the marker inside other text is not one)', () => {
    assert.equal(usesDatabase('test/embedded.test.ts'), false);
    assert.equal(usesDatabase('test/embedded-mention.test.ts'), true);
  });
});
