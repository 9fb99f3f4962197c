import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { sql } from 'kysely';
import { withSystem, withTenant } from '../../../src/platform/db/tenant.js';
import { matchSearch, SEARCH_IDS_MAX } from '../../../src/apps/social/posts/post-search.js';
import { connectAccount, dataOf, startSocial } from './social-fixture.js';

/** Search, filters, cursor paging, the calendar and CSV export/import. */
describe('social post lists', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let editor: TestUser;
  let campaignId: string;
  let mastodon: string;
  const year = new Date().getUTCFullYear() + 1;
  before(async () => {
    t = await startSocial();
    admin = await t.signup('social-lists');
    editor = await t.addMember(admin, 'member', 'member-is-editor');
    mastodon = await connectAccount(t, admin, 'mastodon');
    campaignId = dataOf(await t.request('POST', '/social/api/campaigns', { token: admin.token, body: { name: 'Autumn' } }), 201).id;
    const texts = ['Gardening tips for tomatoes', 'Tomato soup recipe for cold evenings', 'Bicycle repair workshop on Saturday', 'Running shoes sale', 'Gardens open to the public'];
    for (const [i, text] of texts.entries()) {
      const res = await t.request('POST', '/social/api/posts', {
        token: i % 2 ? editor.token : admin.token,
        body: { text, ...(i === 0 ? { campaign_id: campaignId, account_ids: [mastodon] } : {}) },
      });
      dataOf(res, 201);
    }
  });
  after(() => t.close());

  it('searches with PostgreSQL full text (stemming, phrases, exclusion)', async () => {
    const ids = async (q: string) => dataOf(await t.request('GET', `/social/api/posts?q=${encodeURIComponent(q)}`, { token: editor.token })).items.map((p: { text: string }) => p.text).sort();
    assert.deepEqual(await ids('tomatoes'), ['Gardening tips for tomatoes', 'Tomato soup recipe for cold evenings']);
    assert.deepEqual(await ids('garden'), ['Gardening tips for tomatoes', 'Gardens open to the public']);
    assert.deepEqual(await ids('tomato -soup'), ['Gardening tips for tomatoes']);
    assert.deepEqual(await ids('"repair workshop"'), ['Bicycle repair workshop on Saturday']);
    assert.deepEqual(await ids('nothingmatches'), []);
  });

  it('filters by status, network, campaign, author and dates', async () => {
    const list = async (qs: string) => dataOf(await t.request('GET', `/social/api/posts?${qs}`, { token: editor.token })).items.map((p: { text: string }) => p.text).sort();
    assert.deepEqual(await list('network=mastodon'), ['Gardening tips for tomatoes']);
    assert.deepEqual(await list('network=x'), []);
    assert.deepEqual(await list(`campaign_id=${campaignId}`), ['Gardening tips for tomatoes']);
    assert.deepEqual(await list(`author_id=${editor.userId}`), ['Running shoes sale', 'Tomato soup recipe for cold evenings']);
    assert.equal((await list('status=draft')).length, 5);
    assert.deepEqual(await list('status=published'), []);
    assert.deepEqual(await list(`created_from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), []);
    const bad = await t.request('GET', '/social/api/posts?status=bogus', { token: editor.token });
    assert.equal(bad.statusCode, 400);
  });

  it('pages with an opaque cursor, newest first, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; next_cursor: string | null } = dataOf(await t.request('GET', `/social/api/posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: editor.token }));
      seen.push(...page.items.map((p) => p.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5);
    const all = dataOf(await t.request('GET', '/social/api/posts?limit=100', { token: editor.token })).items.map((p: { id: string }) => p.id);
    assert.deepEqual(seen, all);
    const tampered = await t.request('GET', '/social/api/posts?cursor=bm90LWEtY3Vyc29y', { token: editor.token });
    assert.equal(tampered.statusCode, 400);
    assert.equal(tampered.json().code, 'INVALID_CURSOR');
  });

  it('groups the calendar by day in the workspace time zone', async () => {
    dataOf(await t.request('PUT', '/social/api/settings', { token: admin.token, body: { timezone: 'Asia/Tokyo' } }));
    // 20:00 UTC on 14 March is 05:00 on 15 March in Tokyo (UTC+9).
    const late = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'evening slot', scheduled_at: `${year}-03-14T20:00:00Z` } }), 201).post;
    const early = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'morning slot', scheduled_at: `${year}-03-14T01:00:00Z` } }), 201).post;
    assert.equal(late.timezone, 'Asia/Tokyo');
    const cal = dataOf(await t.request('GET', `/social/api/posts/calendar?from=${year}-03-14&to=${year}-03-15`, { token: editor.token }));
    assert.equal(cal.timezone, 'Asia/Tokyo');
    assert.deepEqual(cal.days.map((d: { date: string; posts: { id: string }[] }) => [d.date, d.posts.map((p) => p.id)]), [[`${year}-03-14`, [early.id]], [`${year}-03-15`, [late.id]]]);
    const utc = dataOf(await t.request('GET', `/social/api/posts/calendar?from=${year}-03-14&to=${year}-03-14&timezone=UTC`, { token: editor.token }));
    assert.deepEqual(utc.days[0].posts.map((p: { id: string }) => p.id), [early.id, late.id]);
    assert.deepEqual([utc.days[0].total, utc.days[0].more], [2, 0]);
    // A busy day lists its first posts by slot and counts the rest, in the compact shape.
    const capped = dataOf(await t.request('GET', `/social/api/posts/calendar?from=${year}-03-14&to=${year}-03-14&timezone=UTC&per_day=1`, { token: editor.token }));
    assert.equal(capped.per_day, 1);
    assert.deepEqual(capped.days, [{ date: `${year}-03-14`, total: 2, total_capped: false, more: 1, posts: [{ id: early.id, title: null, excerpt: 'morning slot', status: early.status, scheduled_at: `${year}-03-14T01:00:00.000Z`, timezone: 'Asia/Tokyo', networks: [] }] }]);
    const filteredOut = dataOf(await t.request('GET', `/social/api/posts/calendar?from=${year}-03-14&to=${year}-03-15&status=published`, { token: editor.token }));
    assert.deepEqual(filteredOut.days, []);
    assert.equal((await t.request('GET', `/social/api/posts/calendar?from=${year}-03-14&to=${year}-03-14&per_day=0`, { token: editor.token })).statusCode, 400);
    const backwards = await t.request('GET', `/social/api/posts/calendar?from=${year}-03-15&to=${year}-03-14`, { token: editor.token });
    assert.equal(backwards.statusCode, 400);
    const tooLong = await t.request('GET', `/social/api/posts/calendar?from=${year}-01-01&to=${year}-12-31`, { token: editor.token });
    assert.equal(tooLong.json().code, 'RANGE_TOO_LONG');
  });

  it('exports CSV that re-imports, guarding formula cells', async () => {
    const p = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: '=HYPERLINK("x") "quoted", with comma\nand a line' } }), 201).post;
    const res = await t.request('GET', '/social/api/posts/export.csv?q=hyperlink', { token: editor.token });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/csv/);
    const lines = res.body.split('\r\n');
    assert.equal(lines[0], 'id,title,text,status,scheduled_at,timezone,campaign,networks,author_email,version,created_at');
    assert.ok(res.body.includes(`${p.id},,"'=HYPERLINK(""x"") ""quoted"", with comma\nand a line",draft,`), res.body);
    const imported = dataOf(await t.request('POST', '/social/api/posts/import', { token: editor.token, raw: res.body, headers: { 'content-type': 'text/csv' } }), 201);
    assert.equal(imported.imported, 1);
    const copy = dataOf(await t.request('GET', `/social/api/posts/${imported.post_ids[0]}`, { token: editor.token }));
    assert.equal(copy.text, '=HYPERLINK("x") "quoted", with comma\nand a line');
    assert.notEqual(copy.id, p.id);
  });

  it('imports CSV rows with a campaign by name, and reports every bad row without importing any', async () => {
    const good = `title,text,scheduled_at,timezone,campaign\r\nOne,First imported,${year}-06-01T09:00:00+02:00,Europe/Paris,autumn\r\n,Second imported,,,\r\n`;
    const ok = dataOf(await t.request('POST', '/social/api/posts/import', { token: editor.token, body: { csv: good } }), 201);
    assert.equal(ok.imported, 2);
    const first = dataOf(await t.request('GET', `/social/api/posts/${ok.post_ids[0]}`, { token: editor.token }));
    assert.equal(first.campaign_id, campaignId);
    assert.equal(first.timezone, 'Europe/Paris');
    assert.equal(new Date(first.scheduled_at).toISOString(), `${year}-06-01T07:00:00.000Z`);

    const before = dataOf(await t.request('GET', '/social/api/posts?limit=100', { token: editor.token })).items.length;
    const bad = ['text,scheduled_at,timezone,campaign', 'fine row,,,', ',,,', 'late,2001-01-01T00:00:00Z,,', 'zone,,Nowhere/City,', 'camp,,,No such campaign', 'date,tomorrow,,'].join('\n');
    const res = await t.request('POST', '/social/api/posts/import', { token: editor.token, raw: bad, headers: { 'content-type': 'text/csv' } });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'CSV_INVALID');
    assert.deepEqual(res.json().details.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`), ['3:text', '4:scheduled_at', '5:timezone', '6:campaign', '7:scheduled_at']);
    const after = dataOf(await t.request('GET', '/social/api/posts?limit=100', { token: editor.token })).items.length;
    assert.equal(after, before, 'nothing imported from a file with bad rows');

    const unknownColumn = await t.request('POST', '/social/api/posts/import', { token: editor.token, body: { csv: 'text,colour\nx,red' } });
    assert.equal(unknownColumn.json().code, 'CSV_COLUMNS');
    const broken = await t.request('POST', '/social/api/posts/import', { token: editor.token, body: { csv: 'text\n"never closed' } });
    assert.equal(broken.json().code, 'CSV_SYNTAX');
    const viewer = await t.addMember(admin, 'viewer');
    assert.equal((await t.request('POST', '/social/api/posts/import', { token: viewer.token, body: { csv: good } })).statusCode, 403);
  });

  it('streams a large export across pages, every post once, newest first', async () => {
    // Written straight into the table: the export reads posts, not how they were made.
    await withTenant(t.db, { orgId: admin.orgId, userId: admin.userId }, (tx) =>
      sql`insert into social_posts (org_id, author_id, current_text, created_at)
          select ${admin.orgId}::uuid, ${admin.userId}::uuid, 'bulkexport row ' || n, now() - n * interval '1 second'
          from generate_series(1, 1100) as n`.execute(tx),
    );
    const res = await t.request('GET', '/social/api/posts/export.csv?q=bulkexport', { token: editor.token });
    assert.equal(res.statusCode, 200);
    const rows = res.body.split('\r\n').filter(Boolean).slice(1);
    assert.equal(rows.length, 1100);
    assert.equal(new Set(rows.map((r) => r.split(',')[0])).size, 1100);
    assert.deepEqual(rows.slice(0, 2).map((r) => r.split(',')[2]), ['bulkexport row 1', 'bulkexport row 2']);
    assert.equal(rows.at(-1)!.split(',')[2], 'bulkexport row 1100');
  });

  it('matches a search by id when few posts match, by testing the words when many do, only in the workspace', async () => {
    await withTenant(t.db, { orgId: admin.orgId, userId: admin.userId }, (tx) =>
      sql`insert into social_posts (org_id, author_id, current_text, created_at)
          select ${admin.orgId}::uuid, ${admin.userId}::uuid, case when n = 50 then 'commonword and rareword' else 'commonword number ' || n end,
                 now() - interval '1 hour' - n * interval '1 second'
          from generate_series(1, ${SEARCH_IDS_MAX + 1}::int) as n`.execute(tx),
    );
    const scope = { orgId: admin.orgId, userId: editor.userId };
    assert.deepEqual(await matchSearch(t.platform.ctx, scope, 'commonword'), { words: 'commonword' });
    const rare = await matchSearch(t.platform.ctx, scope, 'rareword');
    assert.ok('ids' in rare && rare.ids.length === 1, `one post named by id, got ${JSON.stringify(rare)}`);
    // Either way the list answers what testing every post would: the matches, newest first, paged.
    const texts = async (qs: string, token = editor.token) => dataOf(await t.request('GET', `/social/api/posts?${qs}`, { token })).items.map((p: { text: string }) => p.text);
    assert.deepEqual(await texts('q=commonword&limit=3'), ['commonword number 1', 'commonword number 2', 'commonword number 3']);
    assert.deepEqual(await texts('q=rareword'), ['commonword and rareword']);
    assert.deepEqual(await texts('q=rareword -commonword'), []);

    // The matching runs past row-level security, so it must read only the caller's workspace.
    const other = await t.signup('social-lists-other');
    assert.deepEqual(await matchSearch(t.platform.ctx, { orgId: other.orgId, userId: other.userId }, 'rareword'), { ids: [] });
    assert.deepEqual(await texts('q=rareword', other.token), []);
    const noWorkspace = await withSystem(t.db, (tx) => sql`select id from social_posts_matching(websearch_to_tsquery('english', 'rareword'), 10)`.execute(tx));
    assert.equal(noWorkspace.rows.length, 0);
  });
});
