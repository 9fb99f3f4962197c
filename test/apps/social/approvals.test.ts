import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { lastEmailTo } from '../../support/outbox.js';
import { dataOf, startSocial } from './social-fixture.js';

/** The approval workflow, its emails, and the activity log that records every step. */
describe('social approvals and activity', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let admin: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  before(async () => {
    t = await startSocial();
    owner = await t.signup('social-approvals');
    admin = await t.addMember(owner, 'admin');
    editor = await t.addMember(owner, 'editor');
    viewer = await t.addMember(owner, 'viewer');
    const settings = await t.request('PUT', '/social/api/settings', { token: editor.token, body: { approval_required: true } });
    assert.equal(settings.statusCode, 403, 'only admins change settings');
    dataOf(await t.request('PUT', '/social/api/settings', { token: admin.token, body: { approval_required: true, default_hashtags: ['#spring', 'sale'] } }));
  });
  after(() => t.close());

  const newPost = async (text: string) => dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text } }), 201).post;

  it('announces submission and each decision on social:posts, so open pages follow', async () => {
    const seen: Array<{ post_id: string; status: string }> = [];
    const stop = t.platform.ctx.events.subscribe(owner.orgId, ['social:posts'], (e) => seen.push(e.payload as { post_id: string; status: string }));
    try {
      const post = await newPost('Announce every step of this one');
      dataOf(await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token }));
      dataOf(await t.request('POST', `/social/api/posts/${post.id}/reject`, { token: admin.token, body: { comment: 'Not yet' } }));
      dataOf(await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token }));
      dataOf(await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: admin.token, body: {} }));
      const deadline = Date.now() + 5000;
      while (seen.filter((e) => e.post_id === post.id).length < 4 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      assert.deepEqual(seen.filter((e) => e.post_id === post.id).map((e) => e.status), ['pending_approval', 'draft', 'pending_approval', 'approved']);
    } finally {
      stop();
    }
  });

  it('editors submit, admins approve with a comment, the author is emailed', async () => {
    const post = await newPost('Please approve this lovely post');
    const submitted = dataOf(await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token }));
    assert.equal(submitted.status, 'pending_approval');
    assert.equal(submitted.latest_approval.decision, 'pending');
    assert.equal(submitted.latest_approval.version, 1);
    const again = await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ALREADY_SUBMITTED');

    const queue = dataOf(await t.request('GET', '/social/api/approvals', { token: viewer.token }));
    assert.ok(queue.items.some((a: { post_id: string }) => a.post_id === post.id));

    const byEditor = await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: editor.token, body: {} });
    assert.equal(byEditor.statusCode, 403);
    assert.equal(byEditor.json().code, 'INSUFFICIENT_ROLE');
    const byViewer = await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: viewer.token, body: {} });
    assert.equal(byViewer.statusCode, 403);

    const approved = dataOf(await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: admin.token, body: { comment: 'Looks great' } }));
    assert.equal(approved.status, 'approved');
    assert.equal(approved.approved_by, admin.userId);
    assert.equal(approved.latest_approval.decision, 'approved');
    assert.equal(approved.latest_approval.comment, 'Looks great');
    const mail = await lastEmailTo(t.db, editor.email, /approved/);
    assert.match(mail.text_body, /was approved/);
    assert.match(mail.text_body, /Looks great/);

    const twice = await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: admin.token, body: {} });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().code, 'NOT_PENDING');
  });

  it('a rejection needs a comment, makes the post a draft again and is emailed', async () => {
    const post = await newPost('This one needs work');
    dataOf(await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token }));
    const silent = await t.request('POST', `/social/api/posts/${post.id}/reject`, { token: owner.token, body: {} });
    assert.equal(silent.statusCode, 400);
    const rejected = dataOf(await t.request('POST', `/social/api/posts/${post.id}/reject`, { token: owner.token, body: { comment: 'Add the price' } }));
    assert.equal(rejected.status, 'draft');
    const mail = await lastEmailTo(t.db, editor.email, /rejected/);
    assert.match(mail.text_body, /Add the price/);
    const history = dataOf(await t.request('GET', `/social/api/posts/${post.id}/approvals`, { token: viewer.token }));
    assert.deepEqual(history.map((a: { decision: string }) => a.decision), ['rejected']);
    // Submitted again after the fix: a new request.
    dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: editor.token, body: { text: 'This one needs work: now 20 EUR' } }));
    dataOf(await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token }));
    const after = dataOf(await t.request('GET', `/social/api/posts/${post.id}/approvals`, { token: viewer.token }));
    assert.deepEqual(after.map((a: { decision: string; version: number }) => [a.decision, a.version]), [['pending', 2], ['rejected', 1]]);
  });

  it('new content on an approved post sends it back to draft when approval is required', async () => {
    const post = await newPost('Approved words');
    dataOf(await t.request('POST', `/social/api/posts/${post.id}/submit`, { token: editor.token }));
    dataOf(await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: admin.token, body: {} }));
    const res = await t.request('PATCH', `/social/api/posts/${post.id}`, { token: editor.token, body: { text: 'Sneaky new words' } });
    const edited = dataOf(res);
    assert.equal(edited.post.status, 'draft');
    assert.match(res.json().message, /needs a new approval/);
    const notPending = await t.request('POST', `/social/api/posts/${post.id}/approve`, { token: admin.token, body: {} });
    assert.equal(notPending.statusCode, 409);
  });

  it('logs every change with user, IP, user agent and request id; admins read it, paged and filtered', async () => {
    const post = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'Logged post' }, headers: { 'user-agent': 'activity-test/1.0' } });
    const postId = dataOf(post, 201).post.id;
    const page = dataOf(await t.request('GET', `/social/api/activity?entity_id=${postId}`, { token: admin.token }));
    assert.equal(page.items.length, 1);
    const entry = page.items[0];
    assert.equal(entry.action, 'post.created');
    assert.equal(entry.user_id, editor.userId);
    assert.equal(entry.user_agent, 'activity-test/1.0');
    assert.equal(entry.ip, '127.0.0.1');
    assert.equal(entry.request_id, post.headers['x-request-id']);

    const decisions = dataOf(await t.request('GET', '/social/api/activity?action=post.approved', { token: admin.token }));
    assert.ok(decisions.items.length >= 2);
    assert.ok(decisions.items.every((e: { action: string; user_id: string }) => e.action === 'post.approved' && e.user_id === admin.userId));
    const rejections = dataOf(await t.request('GET', '/social/api/activity?action=post.rejected', { token: admin.token }));
    assert.equal(rejections.items[0].details.comment, 'Add the price');
    const settingsLog = dataOf(await t.request('GET', '/social/api/activity?entity_type=settings', { token: admin.token }));
    assert.equal(settingsLog.items.length, 1);

    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const p: { items: { id: string }[]; next_cursor: string | null } = dataOf(await t.request('GET', `/social/api/activity?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: admin.token }));
      for (const e of p.items) seen.add(e.id);
      cursor = p.next_cursor;
    } while (cursor);
    const all = dataOf(await t.request('GET', '/social/api/activity?limit=100', { token: admin.token }));
    assert.equal(seen.size, all.items.length);

    assert.equal((await t.request('GET', '/social/api/activity', { token: editor.token })).statusCode, 403);
    assert.equal((await t.request('GET', '/social/api/activity?entity_type=spaceship', { token: admin.token })).statusCode, 400);
  });

  it('keeps settings within bounds', async () => {
    const settings = dataOf(await t.request('GET', '/social/api/settings', { token: viewer.token }));
    assert.deepEqual(settings, { approval_required: true, timezone: 'UTC', default_hashtags: ['#spring', 'sale'], near_duplicate_threshold: 0.8 });
    for (const body of [{ near_duplicate_threshold: 0.1 }, { timezone: 'Nowhere/City' }, { default_hashtags: ['not a tag!'] }, { unknown: true }]) {
      const res = await t.request('PUT', '/social/api/settings', { token: admin.token, body });
      assert.equal(res.statusCode, 400, JSON.stringify(body));
    }
  });
});
