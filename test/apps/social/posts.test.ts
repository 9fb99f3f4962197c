import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { connectAccount, dataOf, startSocial } from './social-fixture.js';

describe('social posts', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let xAccount: string;
  let linkedinAccount: string;
  before(async () => {
    t = await startSocial();
    admin = await t.signup('social-posts');
    editor = await t.addMember(admin, 'editor');
    viewer = await t.addMember(admin, 'viewer');
    xAccount = await connectAccount(t, admin, 'x');
    linkedinAccount = await connectAccount(t, admin, 'linkedin');
  });
  after(() => t.close());

  it('creates a draft with per-network variants and targets, wrapped as the seed shows', async () => {
    const res = await t.request('POST', '/social/api/posts', {
      token: editor.token,
      body: { title: 'Launch', text: 'Our spring collection is here, with twelve new colours for every season.', variants: { x: { text: 'Spring is here: 12 new colours' } }, account_ids: [xAccount, linkedinAccount] },
    });
    const body = res.json();
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(body.success, true);
    const post = body.data.post;
    assert.equal(post.status, 'draft');
    assert.equal(post.current_version, 1);
    assert.equal(post.author_id, editor.userId);
    assert.deepEqual(post.variants, { x: { text: 'Spring is here: 12 new colours' } });
    assert.deepEqual(post.networks, ['linkedin', 'x']);
    assert.deepEqual(post.targets.map((tg: { state: string }) => tg.state), ['queued', 'queued']);
    assert.deepEqual(body.data.near_duplicates, []);
    const read = dataOf(await t.request('GET', `/social/api/posts/${post.id}`, { token: viewer.token }));
    assert.equal(read.text, 'Our spring collection is here, with twelve new colours for every season.');
  });

  it('refuses bad input with the platform envelope', async () => {
    const empty = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: '' } });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().success, false);
    assert.equal(empty.json().code, 'VALIDATION_ERROR');
    const past = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'late', scheduled_at: '2020-01-01T09:00:00Z' } });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().code, 'SCHEDULED_IN_PAST');
    const zone = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'zone', timezone: 'Mars/Olympus' } });
    assert.equal(zone.statusCode, 400);
    const unknownNetwork = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'v', variants: { myspace: { text: 'x' } } } });
    assert.equal(unknownNetwork.statusCode, 400);
    const media = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'm', media: { '*': [crypto.randomUUID()] } } });
    assert.equal(media.statusCode, 404);
    const account = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'a', account_ids: [crypto.randomUUID()] } });
    assert.equal(account.statusCode, 404);
    const tooLong = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'x'.repeat(10_001) } });
    assert.equal(tooLong.statusCode, 400);
  });

  it('lets a viewer read but not write (403)', async () => {
    const create = await t.request('POST', '/social/api/posts', { token: viewer.token, body: { text: 'viewer text' } });
    assert.equal(create.statusCode, 403);
    assert.equal(create.json().code, 'INSUFFICIENT_ROLE');
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'An editor wrote this one' } }), 201).post;
    const edit = await t.request('PATCH', `/social/api/posts/${post.id}`, { token: viewer.token, body: { text: 'changed by a viewer' } });
    assert.equal(edit.statusCode, 403);
    const del = await t.request('DELETE', `/social/api/posts/${post.id}`, { token: viewer.token });
    assert.equal(del.statusCode, 403);
    const list = await t.request('GET', '/social/api/posts', { token: viewer.token });
    assert.equal(list.statusCode, 200);
  });

  it('keeps every edit as a version, diffs two of them and restores an old one as a new version', async () => {
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'The quick brown fox jumps over the lazy dog' } }), 201).post;
    dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: editor.token, body: { text: 'The quick red fox leaps over the lazy dog', variants: { x: { text: 'red fox' } } } }));
    const third = dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: admin.token, body: { text: 'Completely different words now' } }));
    assert.equal(third.post.current_version, 3);
    // A title-only change is not a content version.
    const titled = dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: editor.token, body: { title: 'Fox' } }));
    assert.equal(titled.post.current_version, 3);
    assert.equal(titled.post.title, 'Fox');

    const versions = dataOf<{ version: number; text: string; created_by: string }[]>(await t.request('GET', `/social/api/posts/${post.id}/versions`, { token: viewer.token }));
    assert.deepEqual(versions.map((v) => v.version), [3, 2, 1]);
    assert.equal(versions[2].text, 'The quick brown fox jumps over the lazy dog');
    assert.equal(versions[0].created_by, admin.userId);

    const diff = dataOf(await t.request('GET', `/social/api/posts/${post.id}/diff?from=1&to=2`, { token: viewer.token }));
    assert.deepEqual(diff.text, [
      { op: 'equal', text: 'The quick ' },
      { op: 'delete', text: 'brown ' },
      { op: 'insert', text: 'red ' },
      { op: 'equal', text: 'fox ' },
      { op: 'delete', text: 'jumps ' },
      { op: 'insert', text: 'leaps ' },
      { op: 'equal', text: 'over the lazy dog' },
    ]);
    assert.deepEqual(diff.variants, { x: [{ op: 'insert', text: 'red fox' }] });

    const restored = dataOf(await t.request('POST', `/social/api/posts/${post.id}/versions/1/restore`, { token: editor.token }));
    assert.equal(restored.post.current_version, 4);
    assert.equal(restored.post.text, 'The quick brown fox jumps over the lazy dog');
    const v4 = dataOf(await t.request('GET', `/social/api/posts/${post.id}/versions/4`, { token: viewer.token }));
    assert.equal(v4.restored_from, 1);
    // History is never rewritten: version 3 is still there.
    const v3 = dataOf(await t.request('GET', `/social/api/posts/${post.id}/versions/3`, { token: viewer.token }));
    assert.equal(v3.text, 'Completely different words now');

    const missing = await t.request('GET', `/social/api/posts/${post.id}/versions/99`, { token: viewer.token });
    assert.equal(missing.statusCode, 404);
    const badDiff = await t.request('GET', `/social/api/posts/${post.id}/diff?from=1&to=42`, { token: viewer.token });
    assert.equal(badDiff.statusCode, 404);
  });

  it('warns about near-duplicate text on create and edit, and still saves', async () => {
    const original = 'Join us this Friday at the harbour market for fresh bread, local cheese and live music from noon';
    const first = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: original } }), 201);
    const res = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: `${original}!` } });
    const again = dataOf(res, 201);
    assert.equal(again.near_duplicates.length, 1);
    assert.equal(again.near_duplicates[0].post_id, first.post.id);
    assert.ok(again.near_duplicates[0].similarity >= 0.8);
    assert.match(res.json().message, /very close to 1 other post/);
    const other = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'Something about winter coats and scarves, nothing alike' } }), 201);
    assert.deepEqual(other.near_duplicates, []);
    const edited = dataOf(await t.request('PATCH', `/social/api/posts/${other.post.id}`, { token: editor.token, body: { text: original } }));
    assert.deepEqual(edited.near_duplicates.map((d: { post_id: string }) => d.post_id).sort(), [first.post.id, again.post.id].sort());
  });

  it('soft-deletes: the post leaves reads and lists', async () => {
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'to be deleted zebra' } }), 201).post;
    dataOf(await t.request('DELETE', `/social/api/posts/${post.id}`, { token: editor.token }));
    assert.equal((await t.request('GET', `/social/api/posts/${post.id}`, { token: editor.token })).statusCode, 404);
    assert.equal((await t.request('PATCH', `/social/api/posts/${post.id}`, { token: editor.token, body: { text: 'again' } })).statusCode, 404);
    const list = dataOf(await t.request('GET', '/social/api/posts?q=zebra', { token: editor.token }));
    assert.deepEqual(list.items, []);
  });
});
