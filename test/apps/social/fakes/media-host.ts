import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mediaBytes } from '../../../../src/apps/social/providers/media-bytes.js';
import type { MediaStager } from '../../../../src/apps/social/providers/media-stager.js';

/**
 * A MediaStager for tests: serves each staged media item over HTTP at an unguessable path
 * until it is released, which is what Instagram's fake downloads (as the real Instagram
 * downloads from a presigned storage URL). `served` counts downloads per URL.
 */
export interface MediaHost extends MediaStager {
  baseUrl: string;
  readonly staged: Map<string, { bytes: Uint8Array; contentType: string }>;
  readonly served: Map<string, number>;
  close(): Promise<void>;
}

export async function startMediaHost(): Promise<MediaHost> {
  const staged = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    const item = staged.get(req.url ?? '');
    if (!item) return void res.writeHead(404).end();
    served.set(req.url!, (served.get(req.url!) ?? 0) + 1);
    res.writeHead(200, { 'content-type': item.contentType, 'content-length': item.bytes.length }).end(item.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    staged,
    served,
    async stage(media) {
      const path = `/staged/${randomBytes(16).toString('hex')}`;
      staged.set(path, { bytes: await mediaBytes(media), contentType: media.contentType });
      return { url: `${baseUrl}${path}`, release: async () => void staged.delete(path) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
