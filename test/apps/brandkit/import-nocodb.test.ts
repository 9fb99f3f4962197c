import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { brandkitDb } from '../../../src/apps/brandkit/db.js';
import { importNocoDb } from '../../../src/apps/brandkit/import/import-nocodb.js';
import { FakeNocoDb } from './fakes/fake-nocodb.js';
import { pngOf } from './helpers.js';


// A fresh session id per run: test files share one PostgreSQL database, and brand ids are global.
const SESSION = randomUUID();

/** The legacy NocoDB import against a local fake NocoDB (v2 API) and a local file host for the legacy logos. */
describe('brandkit import-nocodb', () => {
  const noco = new FakeNocoDb();
  let files: Server;
  let filesUrl: string;
  let t: TestPlatform;
  let owner: TestUser;
  let ana: TestUser;
  before(async () => {
    const logo = await pngOf('#1d4e89', 128);
    files = createServer((req, res) => {
      if (req.url === '/logo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(logo);
      else if (req.url === '/not-an-image.png') res.writeHead(200, { 'content-type': 'image/png' }).end('<html>moved</html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    t = await startTestPlatform({ apps: [brandkitApp] });
    owner = await t.signup('bk-import-owner');
    ana = await t.addMember(owner, 'member', 'ana');
    noco.addTable('Wizard Data V2', [
      {
        Id: 1, session_id: SESSION, email: ana.email.toUpperCase(), brand_name: 'Blue Harbor', brand_description: 'Coffee by the sea',
        colors: '[{"hex":"#1D4E89","role":"primary"},{"hex":"#f4a259","role":"accent"}]', fonts: '{"heading":"Playfair Display","body":"Montserrat"}',
        archetype: 'The Explorer', brand_values: '["Craft","Honesty"]', wizard_step: 4, status: 'in progress',
        logo_url: `${filesUrl}/logo.png`, mockup_urls: `${filesUrl}/not-an-image.png`, UpdatedAt: '2026-03-02 10:00:00+00:00',
      },
      { Id: 2, session_id: 'legacy-b2', email: 'stranger@example.com', brand_name: 'Bo Teas', colors: '#336699:primary', UpdatedAt: '2026-01-01 00:00:00+00:00' },
    ]);
    noco.addTable('wizard_database', [
      { Id: 1, 'Session ID': SESSION, Email: ana.email, 'Brand Name': 'Blue Harbour Coffee', 'Primary Color': '#1d4e89', Archetype: 'sage', Vision: 'Every coast a cup', Step: '6', updated_at: '2026-04-10T08:00:00Z' },
    ]);
    await noco.start();
  });
  after(async () => {
    await t.close();
    await noco.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
  });

  const source = () => ({ baseUrl: noco.baseUrl, token: noco.token, baseId: noco.baseId, retryBaseMs: 5 });
  const brandsOf = (userId: string) => brandkitDb.withTenant(t.platform.ctx, owner, (tx) => tx.selectFrom('brandkit_brands').selectAll().where('org_id', '=', owner.orgId).where('user_id', '=', userId).execute());

  it('reports without writing on a dry run', async () => {
    const report = await importNocoDb(t.platform.ctx, source(), owner.orgId, { dryRun: true });
    assert.deepEqual(report.read, { 'Wizard Data V2': 2, wizard_database: 1 });
    assert.deepEqual(report.brands.map((b) => b.outcome).sort(), ['skipped', 'would import']);
    assert.ok(report.drift.length > 0, 'the two tables disagree on the name and archetype');
    assert.equal((await brandsOf(ana.userId)).length, 0);
  });

  it('imports the reconciled brand for the matching member, newer values winning, and is idempotent', async () => {
    const first = await importNocoDb(t.platform.ctx, source(), owner.orgId);
    const mine = first.brands.find((b) => b.email?.toLowerCase() === ana.email.toLowerCase())!;
    assert.equal(mine.outcome, 'created');
    assert.equal(mine.brand_id, SESSION);
    const stranger = first.brands.find((b) => b.email === 'stranger@example.com')!;
    assert.equal(stranger.outcome, 'skipped');
    assert.match(stranger.note ?? '', /invite them/);
    assert.ok(first.drift.some((line) => /name/.test(line)), first.drift.join('\n'));
    assert.ok(first.problems.some((p) => /not-an-image\.png is not an image/.test(p)), first.problems.join('\n'));

    const [brand] = await brandsOf(ana.userId);
    assert.equal(brand.id, SESSION);
    assert.equal(brand.name, 'Blue Harbour Coffee', 'wizard_database was updated later: its name wins');
    assert.equal(brand.vision, 'Every coast a cup');
    assert.equal(brand.status, 'in_progress');
    assert.equal(brand.step_url, `/brandkit/brands/${SESSION}/wizard/${['social', 'identity', 'palette', 'fonts', 'logo', 'products', 'mockups', 'review'][brand.wizard_step - 1]}`);
    const assets = await brandkitDb.withTenant(t.platform.ctx, owner, (tx) => tx.selectFrom('brandkit_brand_assets').selectAll().where('brand_id', '=', SESSION).execute());
    assert.equal(assets.length, 1);
    assert.equal(assets[0].is_primary, true);
    assert.match(assets[0].file_key, new RegExp(`^brandkit/${ana.userId}/${SESSION}/logos/legacy-[0-9a-f]{16}\\.png$`));

    const again = await importNocoDb(t.platform.ctx, source(), owner.orgId);
    assert.equal(again.brands.find((b) => b.brand_id === SESSION)!.outcome, 'updated');
    assert.equal((await brandsOf(ana.userId)).length, 1, 'no duplicate brand');
    const assetsAgain = await brandkitDb.withTenant(t.platform.ctx, owner, (tx) => tx.selectFrom('brandkit_brand_assets').select('id').where('brand_id', '=', SESSION).execute());
    assert.equal(assetsAgain.length, 1, 'no duplicate asset');
    // Ana sees her imported brand through the API.
    const seen = await t.request('GET', `/brandkit/api/brands/${SESSION}`, { token: ana.token });
    assert.equal(seen.statusCode, 200);
  });

  it('writes nothing when NocoDB keeps failing', async () => {
    const other = await t.signup('bk-import-fail');
    noco.http.failNext(500, /records/, { msg: 'boom' }, 50);
    await assert.rejects(importNocoDb(t.platform.ctx, { ...source(), maxRetries: 1 }, other.orgId));
    const rows = await brandkitDb.withTenant(t.platform.ctx, other, (tx) => tx.selectFrom('brandkit_brands').select('id').where('org_id', '=', other.orgId).execute());
    assert.equal(rows.length, 0);
  });
});
