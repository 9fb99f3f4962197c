import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../../support/platform.js';
import { startAdminChannel, type AdminChannel } from '../../../src/platform/local-admin/admin-channel.js';
import { CHANNEL_FILE, runThroughServer } from '../../../src/platform/local-admin/admin-client.js';

describe('local admin channel', () => {
  let t: TestPlatform;
  let dir: string;
  let channel: AdminChannel;
  let secret: string;
  before(async () => {
    t = await startTestPlatform();
    dir = await mkdtemp(path.join(tmpdir(), 'tenantry-channel-'));
    channel = await startAdminChannel(t.platform.ctx, dir);
    secret = JSON.parse(await readFile(path.join(dir, CHANNEL_FILE), 'utf8')).secret;
  });
  after(async () => {
    await channel.close();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (url: string, init: { secret?: string; body?: string } = {}) =>
    fetch(`http://127.0.0.1:${channel.port}${url}`, {
      method: 'POST',
      headers: init.secret === undefined ? {} : { authorization: `Bearer ${init.secret}` },
      body: init.body ?? '{}',
    });

  it('writes its port and secret for the server user only', async () => {
    const file = await stat(path.join(dir, CHANNEL_FILE));
    assert.equal(file.mode & 0o777, 0o600);
    const written = JSON.parse(await readFile(path.join(dir, CHANNEL_FILE), 'utf8'));
    assert.equal(written.pid, process.pid);
    assert.equal(written.port, channel.port);
    assert.ok(secret.length >= 43);
  });

  it('answers 401 without the secret or with a wrong one, whatever the command', async () => {
    for (const presented of [undefined, '', 'wrong', secret.slice(0, -1), `${secret}x`]) {
      const res = await call('/v1/email-outbox', { secret: presented });
      assert.equal(res.status, 401, `secret ${JSON.stringify(presented)}`);
      assert.doesNotMatch(await res.text(), new RegExp(secret), 'never echoes the secret');
    }
    assert.equal((await call('/v1/not-a-command')).status, 401, 'unknown commands are not revealed either');
  });

  it('refuses unknown commands, bad JSON, invalid and oversized input with 4xx', async () => {
    assert.equal((await call('/v1/drop-everything', { secret })).status, 404);
    assert.equal((await call('/v1/email-outbox', { secret, body: '{not json' })).status, 400);
    const invalid = await call('/v1/email-outbox', { secret, body: JSON.stringify({ limit: 'all' }) });
    assert.equal(invalid.status, 400);
    assert.match((await invalid.json()).error, /Invalid input for email-outbox: limit/);
    assert.equal((await call('/v1/email-outbox', { secret, body: JSON.stringify({ to: 'x'.repeat(100_000) }) })).status, 413);
    const refused = await call('/v1/email-outbox', { secret, body: JSON.stringify({ reveal: true }) });
    assert.equal(refused.status, 422);
    assert.match((await refused.json()).error, /add --id <id>/);
  });

  it('runs a command for the CLI, and only for the process that wrote the channel', async () => {
    const email = uniqueEmail('channel-admin');
    const created = await runThroughServer(dir, process.pid, 'create-superadmin', { email, password: 'channel password' });
    assert.equal(created?.result.created, true);
    const user = await t.db.selectFrom('users').select(['id', 'is_superadmin']).where('email', '=', email).executeTakeFirstOrThrow();
    assert.deepEqual(user, { id: created!.result.id, is_superadmin: true });
    await assert.rejects(runThroughServer(dir, process.pid, 'create-superadmin', { email: 'not an email', password: 'channel password' }), /--email: "not an email" is not an email address/);
    assert.equal(await runThroughServer(dir, process.pid + 1, 'email-outbox', {}), undefined, 'a channel file of another pid is not used');
  });
});
