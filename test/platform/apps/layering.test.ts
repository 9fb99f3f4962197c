import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

/** The layering rule (tools/eslint-layering.js) run by the project's own lint configuration. */
const root = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'tenantry/layering').map((m) => m.message);
}

describe('lint: platform and apps stay in their layers', () => {
  it('fails when platform/ imports an app or the list of apps', async () => {
    const errors = await layeringErrors('src/platform/storage/example.ts', "import { visantApp } from '../../apps/visant/index.js';\nimport { installedApps } from '../../apps/index.js';\nexport const x = [visantApp, installedApps];\n");
    assert.equal(errors.length, 2);
    assert.match(errors[0], /platform\/ must not import from apps\//);
  });

  it('fails when an app imports another app, however deep the file', async () => {
    const errors = await layeringErrors('src/apps/visant/captures/example.ts', "import { genadsDb } from '../../genads/db.js';\nexport const x = genadsDb;\n");
    assert.deepEqual(errors, ['The visant app must not import from the genads app ("../../genads/db.js"): apps share code only through platform/.']);
    const lazy = await layeringErrors('src/apps/genads/example.ts', "export const load = () => import('../visant/db.js');\n");
    assert.equal(lazy.length, 1);
  });

  it('accepts an app importing itself and the platform (the control case)', async () => {
    const errors = await layeringErrors('src/apps/visant/captures/example.ts', "import { visantDb } from '../db.js';\nimport { notFound } from '../../../platform/errors.js';\nexport const x = [visantDb, notFound];\n");
    assert.deepEqual(errors, []);
  });
});
