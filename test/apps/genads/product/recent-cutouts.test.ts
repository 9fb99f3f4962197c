import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProductCutout, ProductExtractor } from '../../../../src/apps/genads/pipeline/types.js';
import { RecentCutouts } from '../../../../src/apps/genads/product/recent-cutouts.js';

/** A stand-in for the checked model: counts its calls; photos starting with "fallback" come back from the threshold fallback. */
class CountingExtractor implements Required<ProductExtractor> {
  readonly name = 'imgly';
  calls: string[] = [];
  async extract(image: Buffer) {
    return (await this.extractWithReport(image)).png;
  }
  async extractWithReport(image: Buffer): Promise<ProductCutout> {
    const photo = image.toString();
    this.calls.push(photo);
    if (photo === 'unreadable') throw new Error('the photo could not be decoded');
    const fellBack = photo.startsWith('fallback');
    return { png: Buffer.from(`cut-out of ${photo} #${this.calls.length}`), method: fellBack ? 'threshold' : 'imgly', coverage: 0.6, fallbackReasons: fellBack ? ['imgly: no product found'] : [] };
  }
}

describe('RecentCutouts', () => {
  it('cuts a photo out once while it is among the last eight, by its bytes', async () => {
    const inner = new CountingExtractor();
    const cutouts = new RecentCutouts(inner);
    assert.equal(cutouts.name, 'imgly');
    const first = await cutouts.extractWithReport(Buffer.from('front'));
    assert.deepEqual(await cutouts.extractWithReport(Buffer.from('front')), first, 'the same bytes: the kept cut-out');
    assert.equal((await cutouts.extract(Buffer.from('front'))).toString(), 'cut-out of front #1');
    assert.equal((await cutouts.extract(Buffer.from('left'))).toString(), 'cut-out of left #2', 'other bytes: cut out');
    assert.deepEqual(inner.calls, ['front', 'left']);

    // Seven more photos: "left" (used least recently) goes, "front" (used just now) stays.
    await cutouts.extract(Buffer.from('front'));
    for (let i = 0; i < 7; i++) await cutouts.extract(Buffer.from(`photo ${i}`));
    assert.equal(inner.calls.length, 9);
    await cutouts.extract(Buffer.from('front'));
    assert.equal(inner.calls.length, 9, 'front was kept');
    await cutouts.extract(Buffer.from('left'));
    assert.equal(inner.calls.at(-1), 'left', 'left was dropped and cut out again');
  });

  it('keeps neither a cut-out that fell back nor a failure', async () => {
    const inner = new CountingExtractor();
    const cutouts = new RecentCutouts(inner);
    for (let i = 0; i < 2; i++) {
      const report = await cutouts.extractWithReport(Buffer.from('fallback shot'));
      assert.equal(report.method, 'threshold');
      await assert.rejects(cutouts.extract(Buffer.from('unreadable')), /could not be decoded/);
    }
    assert.deepEqual(inner.calls, ['fallback shot', 'unreadable', 'fallback shot', 'unreadable']);
  });

  it('honours an abort before looking', async () => {
    const cutouts = new RecentCutouts(new CountingExtractor());
    await assert.rejects(cutouts.extract(Buffer.from('front'), AbortSignal.abort()), { name: 'AbortError' });
  });
});
