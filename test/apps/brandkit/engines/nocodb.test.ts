import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reconcile, formatDrift } from '../../../../src/apps/brandkit/engines/nocodb/drift.js';
import { LEGACY_TABLES, mapWizardDatabaseRow, mapWizardV2Row } from '../../../../src/apps/brandkit/engines/nocodb/legacy-mapping.js';
import { NocoDbError, NocoDbReader } from '../../../../src/apps/brandkit/engines/nocodb/nocodb-reader.js';
import { FakeNocoDb } from '../fakes/fake-nocodb.js';

const SESSION = '6f1c2d4e-8a9b-4c3d-9e1f-0a1b2c3d4e5f';

const V2_ROWS = [
  {
    session_id: SESSION,
    email: 'Ana@Example.com',
    brand_name: 'Blue Harbor',
    brand_description: 'Coffee by the sea',
    colors: '[{"hex":"#1D4E89","role":"primary"},{"hex":"#f4a259","role":"accent"},{"hex":"nope","role":"secondary"}]',
    fonts: '{"heading":"Playfair Display","body":"Montserrat"}',
    archetype: 'The Explorer',
    brand_values: '["Craft","Honesty"]',
    wizard_step: 4,
    status: 'in progress',
    logo_url: '[{"url":"https://files.example/logo-v2.png","title":"logo.png","mimetype":"image/png"}]',
    UpdatedAt: '2026-03-02 10:00:00+00:00',
  },
  { session_id: 'b2', email: 'bo@example.com', brand_name: 'Bo Teas', colors: '#336699:primary', archetype: 'wizard', UpdatedAt: '2026-01-01 00:00:00+00:00' },
];

const ORIGINAL_ROWS = [
  {
    'Session ID': SESSION,
    Email: 'ana@example.com',
    'Brand Name': 'Blue Harbour Coffee',
    Description: 'Coffee by the sea',
    'Primary Color': '#1d4e89',
    'Accent Color': '#ff0000',
    Font: 'Lora / Open Sans',
    Archetype: 'sage',
    Values: 'Craft, Honesty',
    Vision: 'Every coast a cup',
    Step: '6',
    Logo: 'https://files.example/logo-old.png',
    updated_at: '2026-04-10T08:00:00Z',
  },
  { 'Session ID': 'c3', Email: 'cy@example.com', 'Brand Name': 'Cy', 'Primary Color': '#000' },
];

describe('NocoDB legacy mapping', () => {
  it('maps Wizard Data V2 rows, leaving out (and listing) unusable values', () => {
    const b = mapWizardV2Row({ Id: 7, ...V2_ROWS[0] });
    assert.equal(b.sessionId, SESSION);
    assert.equal(b.email, 'ana@example.com');
    assert.deepEqual(b.fields.color_palette, [
      { hex: '#1d4e89', role: 'primary' },
      { hex: '#f4a259', role: 'accent' },
    ]);
    assert.deepEqual(b.fields.fonts, { heading: 'Playfair Display', body: 'Montserrat' });
    assert.equal(b.fields.brand_archetype, 'explorer');
    assert.deepEqual(b.fields.brand_values, ['Craft', 'Honesty']);
    assert.equal(b.fields.status, 'in_progress');
    assert.deepEqual(b.assets.logoUrls, ['https://files.example/logo-v2.png']);
    assert.equal(b.updatedAt?.toISOString(), '2026-03-02T10:00:00.000Z');
    assert.deepEqual(b.problems, ['colour "nope" is not a hex colour: left out']);
    assert.deepEqual(mapWizardV2Row({ Id: 8, ...V2_ROWS[1] }).problems, ['archetype "wizard" is not one of the twelve: left out']);
  });

  it('maps the original wizard_database rows', () => {
    const b = mapWizardDatabaseRow({ Id: 1, ...ORIGINAL_ROWS[0] });
    assert.equal(b.fields.name, 'Blue Harbour Coffee');
    assert.deepEqual(b.fields.color_palette, [
      { hex: '#1d4e89', role: 'primary' },
      { hex: '#ff0000', role: 'accent' },
    ]);
    assert.deepEqual(b.fields.fonts, { heading: 'Lora', body: 'Open Sans' });
    assert.equal(b.fields.wizard_step, 6);
    assert.deepEqual(b.assets.logoUrls, ['https://files.example/logo-old.png']);
    assert.equal(mapWizardDatabaseRow({ Id: 2, ...ORIGINAL_ROWS[1] }).updatedAt, null);
  });
});

describe('drift between the two tables', () => {
  it('newer wins field by field, each difference listed with both values and why', () => {
    const v2 = V2_ROWS.map((r, i) => mapWizardV2Row({ Id: i + 1, ...r }));
    const original = ORIGINAL_ROWS.map((r, i) => mapWizardDatabaseRow({ Id: i + 1, ...r }));
    const { brands, drift } = reconcile([
      [LEGACY_TABLES.v2, v2],
      [LEGACY_TABLES.original, original],
    ]);
    assert.equal(brands.length, 3, 'Ana matched by session id; Bo and Cy on their own');
    const ana = brands.find((b) => b.sessionId === SESSION)!;
    // wizard_database's row is newer (April vs March): its values win where they differ.
    assert.equal(ana.fields.name, 'Blue Harbour Coffee');
    assert.equal(ana.fields.brand_archetype, 'sage');
    assert.equal(ana.fields.vision, 'Every coast a cup', 'only one source has it: taken');
    assert.equal(ana.fields.status, 'in_progress', 'only V2 has it: taken');
    assert.deepEqual(ana.assets.logoUrls, ['https://files.example/logo-old.png']);
    assert.deepEqual(ana.rows, [
      { source: 'wizard_database', rowId: '1' },
      { source: 'Wizard Data V2', rowId: '1' },
    ]);
    const anaDrift = drift.filter((d) => d.key === `session:${SESSION}`);
    assert.deepEqual(anaDrift.map((d) => d.field).sort(), ['assets.logoUrls', 'brand_archetype', 'color_palette', 'fonts', 'name', 'wizard_step']);
    assert.ok(!anaDrift.some((d) => d.field === 'brand_values' || d.field === 'description'), 'equal values are not drift');
    const name = anaDrift.find((d) => d.field === 'name')!;
    assert.equal(name.winner, 'wizard_database');
    assert.match(name.reason, /^newer: wizard_database row 1 was updated 2026-04-10T08:00:00.000Z/);
    assert.deepEqual(name.values.map((v) => v.value), ['Blue Harbour Coffee', 'Blue Harbor']);
    const lines = formatDrift(anaDrift);
    assert.ok(lines.some((l) => l.includes('name: wizard_database#1="Blue Harbour Coffee" vs Wizard Data V2#1="Blue Harbor" → wizard_database')));
    const cy = brands.find((b) => b.sessionId === 'c3')!;
    assert.deepEqual(cy.fields.color_palette, [{ hex: '#000000', role: 'primary' }]);
  });

  it('ties go to the source listed first, and say so', () => {
    const at = '2026-05-01T00:00:00Z';
    const a = mapWizardV2Row({ Id: 1, session_id: 's', brand_name: 'A', UpdatedAt: at });
    const b = mapWizardDatabaseRow({ Id: 1, 'Session ID': 's', 'Brand Name': 'B', updated_at: at });
    const { brands, drift } = reconcile([
      [LEGACY_TABLES.v2, [a]],
      [LEGACY_TABLES.original, [b]],
    ]);
    assert.equal(brands[0].fields.name, 'A');
    assert.match(drift[0].reason, /same update time: Wizard Data V2 takes precedence/);
  });
});

describe('NocoDB reader against a fake NocoDB', () => {
  const noco = new FakeNocoDb();
  const many = Array.from({ length: 230 }, (_, i) => ({ session_id: `s${i}`, brand_name: `Brand ${i}`, UpdatedAt: '2026-01-01T00:00:00Z' }));
  before(async () => {
    noco.addTable(LEGACY_TABLES.v2, many);
    noco.addTable(LEGACY_TABLES.original, ORIGINAL_ROWS);
    await noco.start();
  });
  after(() => noco.close());
  const reader = (over: Partial<ConstructorParameters<typeof NocoDbReader>[0]> = {}) => new NocoDbReader({ baseUrl: noco.baseUrl, token: noco.token, baseId: noco.baseId, retryBaseMs: 2, ...over });

  it('finds tables by title and reads every page with the xc-token', async () => {
    noco.http.calls.length = 0;
    const progress: Array<[number, number | null]> = [];
    const rows = await reader().readAll(LEGACY_TABLES.v2, { pageSize: 100, onProgress: (n, t) => progress.push([n, t]) });
    assert.equal(rows.length, 230);
    assert.deepEqual(rows.map((r) => r.Id), many.map((_, i) => i + 1), 'in Id order, none skipped or repeated');
    assert.deepEqual(progress, [
      [100, 230],
      [200, 230],
      [230, 230],
    ]);
    assert.ok(noco.http.calls.every((c) => c.headers['xc-token'] === noco.token));
    assert.equal(noco.http.callsTo(/\/records$/).length, 3);
    const original = await reader().readAll('WIZARD_DATABASE');
    assert.equal(original.length, 2);
  });

  it('retries 429/5xx and names what to fix otherwise', async () => {
    noco.http.rateLimitNext({ 'retry-after': '0' }, /\/records$/, { msg: 'Too many requests' });
    noco.http.failNext(503, /\/records$/, { msg: 'unavailable' });
    assert.equal((await reader().readAll(LEGACY_TABLES.original)).length, 2);
    await assert.rejects(reader({ token: 'bad' }).readAll(LEGACY_TABLES.v2), (e: NocoDbError) => e.kind === 'auth' && /API token/.test(e.message));
    await assert.rejects(reader().readAll('Wizard Data V3'), (e: NocoDbError) => e.kind === 'not_found' && /no table "Wizard Data V3" \(it has: "Wizard Data V2", "wizard_database"\)/.test(e.message));
    await assert.rejects(reader({ baseId: 'p_other' }).readAll(LEGACY_TABLES.v2), (e: NocoDbError) => e.kind === 'not_found');
    noco.http.failNext(500, /\/records$/, { msg: 'boom' }, 3);
    await assert.rejects(reader({ maxRetries: 2 }).readAll(LEGACY_TABLES.original), (e: NocoDbError) => e.kind === 'server' && e.retryable && /run the import again later/.test(e.message));
    await assert.rejects(reader({ baseUrl: 'http://127.0.0.1:9', maxRetries: 1 }).readAll(LEGACY_TABLES.v2), (e: NocoDbError) => e.kind === 'network');
  });

  it('times out a hanging NocoDB', async () => {
    noco.http.fault({ path: /\/records$/, delayMs: 300, times: 2 });
    await assert.rejects(reader({ requestTimeoutMs: 50, maxRetries: 1 }).readAll(LEGACY_TABLES.original), (e: NocoDbError) => e.kind === 'network');
  });
});
