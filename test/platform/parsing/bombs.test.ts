import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInWorker, WorkerTaskError } from '../../../src/platform/parsing/run-in-worker.js';
import { prepareCapture } from '../../../src/apps/visant/captures/capture-image.js';
import { imageAsPng } from '../../../src/apps/genads/uploads/validate-files.js';
import { pixelBombPng } from '../../support/bombs.js';
import { AppError } from '../../../src/platform/errors.js';

describe('pixel bombs', () => {
  // 10000 x 10000 is under sharp's default limit (268 MP): only the per-use limits refuse it.
  const bomb = pixelBombPng(10_000, 10_000);

  it('a Visant capture declaring 100 MP is refused before decoding', async () => {
    await assert.rejects(prepareCapture(bomb), (err: unknown) => err instanceof AppError && err.status === 422 && err.code === 'IMAGE_TOO_MANY_PIXELS' && /more than 40 megapixels/.test(err.message));
  });

  it('a GenAds logo or product photo declaring 100 MP is refused before decoding', async () => {
    await assert.rejects(imageAsPng(bomb, 'logo'), (err: unknown) => err instanceof AppError && err.status === 400 && err.code === 'IMAGE_TOO_MANY_PIXELS' && /"logo" has more than 40 megapixels/.test(err.message));
  });
});

describe('runInWorker', () => {
  it('ends a worker that exhausts its heap cap and says so, while this process carries on', async () => {
    await assert.rejects(
      runInWorker(new URL('./fixtures/allocate-forever.ts', import.meta.url), null, { memoryMb: 32, timeoutMs: 60_000 }),
      (err: unknown) => err instanceof WorkerTaskError && err.reason === 'memory',
    );
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    const task = runInWorker(new URL('./fixtures/allocate-forever.ts', import.meta.url), null, { memoryMb: 512, timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    await assert.rejects(task, (err: unknown) => err instanceof WorkerTaskError && err.reason === 'aborted');
  });
});
