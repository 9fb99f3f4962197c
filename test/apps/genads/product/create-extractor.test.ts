import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { createProductExtractor } from '../../../../src/apps/genads/product/create-extractor.js';
import { assertBottleCutout } from './support/assert-cutout.js';
import { bottleShot, decodeCutout } from '../support/photos.js';

describe('createProductExtractor', () => {
  it('"threshold": the threshold cut-out, checked', async () => {
    const shot = await bottleShot({ backdrop: 'gradient' });
    const extractor = createProductExtractor({ backgroundRemoval: 'threshold' });
    assert.equal(extractor.name, 'threshold');
    const report = await extractor.extractWithReport(shot.photo);
    assert.equal(report.method, 'threshold');
    assertBottleCutout(await decodeCutout(report.png), shot);
  });

  it('"imgly": when the model cannot be loaded, logs why and uses the threshold cut-out', async () => {
    // A real load failure: the library is pointed at a directory without the model files.
    const empty = await mkdtemp(path.join(os.tmpdir(), 'genads-no-model-'));
    try {
      const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
      const extractor = createProductExtractor(
        { backgroundRemoval: 'imgly' },
        { logger: { warn: (obj, msg) => void warnings.push({ obj, msg }) }, imgly: { modelUrl: pathToFileURL(empty).href } },
      );
      assert.equal(extractor.name, 'imgly');
      const shot = await bottleShot();
      const report = await extractor.extractWithReport(shot.photo);
      assert.equal(report.method, 'threshold');
      assert.match(report.fallbackReasons[0], /^imgly: the background removal model failed: .*resources\.json/);
      assertBottleCutout(await decodeCutout(report.png), shot);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].obj.used, 'threshold');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
