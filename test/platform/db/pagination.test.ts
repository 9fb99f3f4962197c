import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { fetchPage, pageInfo, pageRequest } from '../../../src/platform/db/page.js';
import { decodeCursor, encodeCursor, fetchCursorPage, isoFromEpoch } from '../../../src/platform/db/cursor.js';
import { AppError } from '../../../src/platform/errors.js';

/**
 * The one page helper and the one cursor helper, on real rows: twelve audit entries written in
 * one transaction share their created_at to the microsecond, so only the id keeps their order.
 */
describe('pagination helpers', () => {
  let t: TestPlatform;
  let user: TestUser;
  const ROWS = 12;

  before(async () => {
    t = await startTestPlatform();
    user = await t.signup('paging');
    await withTenant(t.db, user, (tx) =>
      tx.insertInto('audit_log').values(Array.from({ length: ROWS }, (_, i) => ({ org_id: user.orgId, actor_type: 'system' as const, action: 'test.paging', target_id: String(i), metadata: '{}' }))).execute(),
    );
  });
  after(() => t.close());

  it('page/limit: offset, total and pages, in a stable order across pages', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const result = await withTenant(t.db, user, (tx) =>
        fetchPage(tx.selectFrom('audit_log').where('org_id', '=', user.orgId).where('action', '=', 'test.paging'), { page, limit: 5 }, (q) => q.select(['id']).orderBy('created_at', 'desc').orderBy('id', 'desc')),
      );
      assert.deepEqual({ total: result.total, page: result.page, limit: result.limit, pages: result.pages }, { total: ROWS, page, limit: 5, pages: 3 });
      assert.equal(result.items.length, page < 3 ? 5 : 2);
      seen.push(...result.items.map((r) => r.id));
    }
    assert.equal(new Set(seen).size, ROWS, 'no row twice, none missing');
    assert.deepEqual(seen, [...seen].sort().reverse(), 'rows with equal timestamps keep their id order');
    const beyond = await withTenant(t.db, user, (tx) => fetchPage(tx.selectFrom('audit_log').where('org_id', '=', user.orgId).where('action', '=', 'test.paging'), { page: 9, limit: 5 }, (q) => q.select(['id']).orderBy('id')));
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.total, ROWS);
  });

  it('defaults to 20 a page and caps at 100', () => {
    assert.deepEqual(pageRequest({}), { page: 1, limit: 20 });
    assert.deepEqual(pageRequest({ page: 0, limit: 1000 }), { page: 1, limit: 100 });
    assert.deepEqual(pageRequest({ page: 2.7, limit: -3 }), { page: 2, limit: 1 });
    assert.deepEqual(pageInfo(0, { page: 1, limit: 20 }), { total: 0, page: 1, limit: 20, pages: 0 });
    assert.deepEqual(pageInfo(41, { page: 3, limit: 20 }), { total: 41, page: 3, limit: 20, pages: 3 });
  });

  it('cursor: walks every row once, newest first, though they share one timestamp', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await withTenant(t.db, user, (tx) =>
        fetchCursorPage(tx.selectFrom('audit_log').select(['id', 'target_id']).where('org_id', '=', user.orgId).where('action', '=', 'test.paging'), { time: 'created_at', id: 'id' }, { limit: 5, cursor }),
      );
      assert.ok(page.items.every((i) => !('cursor_at' in i)), 'the cursor column stays inside the helper');
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...new Set(seen)].sort().reverse());
    assert.equal(seen.length, ROWS);
  });

  it('cursor: rows microseconds apart within one millisecond are each seen once (the cursor keeps microseconds)', async () => {
    const times = ['2026-11-30T12:00:00.123401Z', '2026-11-30T12:00:00.123402Z', '2026-11-30T12:00:00.123403Z'];
    await withTenant(t.db, user, (tx) =>
      tx.insertInto('audit_log').values(times.map((at, i) => ({ org_id: user.orgId, actor_type: 'system' as const, action: 'test.micro', target_id: String(i), metadata: '{}', created_at: sql<Date>`${at}::timestamptz` }))).execute(),
    );
    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await withTenant(t.db, user, (tx) =>
        fetchCursorPage(tx.selectFrom('audit_log').select(['id', 'target_id']).where('org_id', '=', user.orgId).where('action', '=', 'test.micro'), { time: 'created_at', id: 'id' }, { limit: 1, cursor }),
      );
      seen.push(...page.items.map((i) => i.target_id!));
      cursor = page.next_cursor ?? undefined;
      if (cursor) cursors.push(decodeCursor(cursor).at);
    } while (cursor);
    assert.deepEqual(seen, ['2', '1', '0'], 'newest first, none skipped');
    assert.deepEqual(cursors, [times[2], times[1]], 'each cursor holds its row\'s microseconds, in UTC');
  });

  it('cursor: the epoch PostgreSQL gives is turned into ISO with its microseconds, exactly', () => {
    assert.equal(isoFromEpoch('1764681424.123456'), '2025-12-02T13:17:04.123456Z');
    assert.equal(isoFromEpoch('1764681424.000000'), '2025-12-02T13:17:04.000000Z');
    assert.equal(isoFromEpoch('1764681424.5'), '2025-12-02T13:17:04.500000Z');
    assert.equal(isoFromEpoch('1764681424'), '2025-12-02T13:17:04.000000Z');
    assert.equal(isoFromEpoch('-0.000001'), '1969-12-31T23:59:59.999999Z');
    assert.equal(isoFromEpoch('-1.5'), '1969-12-31T23:59:58.500000Z');
    for (const bad of ['', 'abc', '1.1234567', '1e9', 'NaN']) assert.throws(() => isoFromEpoch(bad), /Not an epoch/, bad);
  });

  it('cursor: a tampered or foreign cursor is a 400 INVALID_CURSOR', () => {
    const good = encodeCursor({ at: '2026-11-30T12:00:00.123456Z', id: '6f1c3b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c' });
    assert.deepEqual(decodeCursor(good), { at: '2026-11-30T12:00:00.123456Z', id: '6f1c3b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c' });
    const tampered = [
      'not-a-cursor',
      Buffer.from('2026-11-30T12:00:00.123456Z').toString('base64url'),
      Buffer.from("2026-11-30T12:00:00.123456Z|' or 1=1 --").toString('base64url'),
      Buffer.from('yesterday|6f1c3b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c').toString('base64url'),
      Buffer.from('2026-13-45T12:00:00.123456Z|6f1c3b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c').toString('base64url'),
      Buffer.from('2026-11-30T12:00:00.123456Z|6f1c3b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c|extra').toString('base64url'),
      good.slice(0, -3),
    ];
    for (const cursor of tampered) {
      assert.throws(() => decodeCursor(cursor), (err: unknown) => err instanceof AppError && err.status === 400 && err.code === 'INVALID_CURSOR', cursor);
    }
  });
});
