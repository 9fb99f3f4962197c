import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CredentialStore, type CredentialBinding } from '../../../src/platform/secrets/credential-store.js';
import { resolveCredentialKeys } from '../../../src/platform/secrets/credential-keys.js';
import { loadConfig } from '../../../src/platform/config/config.js';
import { AppError } from '../../../src/platform/errors.js';

const key = () => randomBytes(32);
const binding = (over: Partial<CredentialBinding> = {}): CredentialBinding => ({ orgId: randomUUID(), purpose: 'socialos.oauth.instagram', subject: randomUUID(), ...over });
const unreadable = (why: RegExp) => (err: unknown) => {
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.code, 'CREDENTIAL_UNREADABLE');
  assert.equal(err.status, 409);
  assert.match(err.message, why);
  assert.match(err.message, /Connect the account or enter the key again/);
  return true;
};

describe('credential store: AES-256-GCM bound to org, purpose and row', () => {
  it('round trip: what is sealed opens with the same binding; the ciphertext shows nothing of it', () => {
    const store = new CredentialStore({ current: key(), previous: [] });
    const b = binding();
    for (const secret of ['ya29.a0AfH6SMB-oauth-access-token', '', 'ünïcødé ✓ 🔑', 'x'.repeat(10_000)]) {
      const sealed = store.seal(secret, b);
      assert.match(sealed, /^tc1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      if (secret) assert.ok(!sealed.includes(secret) && !sealed.includes(Buffer.from(secret).toString('base64url')));
      assert.equal(store.open(sealed, b), secret);
    }
  });

  it('a random IV per value: the same secret sealed twice gives two ciphertexts', () => {
    const store = new CredentialStore({ current: key(), previous: [] });
    const b = binding();
    const sealed = new Set(Array.from({ length: 50 }, () => store.seal('same secret', b)));
    assert.equal(sealed.size, 50);
    const ivs = new Set([...sealed].map((s) => s.split('.')[2]));
    assert.equal(ivs.size, 50);
    assert.equal(Buffer.from([...ivs][0], 'base64url').length, 12, '96-bit IVs');
  });

  it('tampering with any part is detected', () => {
    const store = new CredentialStore({ current: key(), previous: [] });
    const b = binding();
    const sealed = store.seal('refresh-token-value', b);
    const [version, id, iv, body] = sealed.split('.');
    const flip = (text: string, at: number) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[at] ^= 0x01;
      return bytes.toString('base64url');
    };
    const bodyBytes = Buffer.from(body, 'base64url');
    const tampered = [
      [version, id, flip(iv, 0), body].join('.'),
      [version, id, iv, flip(body, 0)].join('.'),
      [version, id, iv, flip(body, bodyBytes.length - 1)].join('.'), // the tag
      [version, id, iv, Buffer.concat([bodyBytes, Buffer.from([0])]).toString('base64url')].join('.'),
      [version, id, iv, bodyBytes.subarray(1).toString('base64url')].join('.'),
    ];
    for (const t of tampered) assert.throws(() => store.open(t, b), unreadable(/altered/), t);
    assert.throws(() => store.open([version, flip(id, 0), iv, body].join('.'), b), unreadable(/key this server does not have/));
    assert.throws(() => store.open('plain text api key', b), unreadable(/not a sealed credential/));
    assert.throws(() => store.open(`tc2.${id}.${iv}.${body}`, b), unreadable(/not a sealed credential/));
  });

  it('a ciphertext copied to another org, row or purpose does not open', () => {
    const store = new CredentialStore({ current: key(), previous: [] });
    const b = binding();
    const sealed = store.seal('token of org A', b);
    assert.throws(() => store.open(sealed, { ...b, orgId: randomUUID() }), unreadable(/another org, row or purpose/));
    assert.throws(() => store.open(sealed, { ...b, orgId: null }), unreadable(/another org/));
    assert.throws(() => store.open(sealed, { ...b, subject: randomUUID() }), unreadable(/another org/));
    assert.throws(() => store.open(sealed, { ...b, purpose: 'genads.provider-key' }), unreadable(/for genads.provider-key/));
    assert.equal(store.open(sealed, { ...b }), 'token of org A', 'an equal binding opens it');
  });

  it('rotation: previous keys still open old values, reseal moves them to the current key, and a key that left opens nothing', () => {
    const oldKey = key();
    const newKey = key();
    const before = new CredentialStore({ current: oldKey, previous: [] });
    const b = binding();
    const old = before.seal('long-lived oauth refresh token', b);

    const rotated = new CredentialStore({ current: newKey, previous: [oldKey] });
    assert.equal(rotated.open(old, b), 'long-lived oauth refresh token', 'the previous key still opens it');
    assert.equal(rotated.isCurrent(old), false);
    const resealed = rotated.reseal(old, b);
    assert.ok(resealed);
    assert.ok(rotated.isCurrent(resealed));
    assert.equal(rotated.reseal(resealed, b), null, 'already under the current key');
    assert.throws(() => rotated.reseal(old, { ...b, orgId: randomUUID() }), unreadable(/another org/), 'reseal checks the binding too');

    const afterward = new CredentialStore({ current: newKey, previous: [] });
    assert.equal(afterward.open(resealed, b), 'long-lived oauth refresh token');
    assert.throws(() => afterward.open(old, b), unreadable(/key this server does not have/));
  });

  it('CREDENTIALS_KEY must be 32 bytes of base64; CREDENTIALS_PREVIOUS_KEYS too', () => {
    const good = key().toString('base64');
    const config = loadConfig({ CREDENTIALS_KEY: good, CREDENTIALS_PREVIOUS_KEYS: `${key().toString('base64')}, ${key().toString('base64')}` });
    assert.equal(config.credentialKeys.current?.toString('base64'), good);
    assert.equal(config.credentialKeys.previous.length, 2);
    assert.throws(() => loadConfig({ CREDENTIALS_KEY: randomBytes(16).toString('base64') }), /CREDENTIALS_KEY: must be 32 random bytes in base64.*openssl rand -base64 32/);
    assert.throws(() => loadConfig({ CREDENTIALS_KEY: 'not base64 at all, but long enough to be 32 bytes!!' }), /CREDENTIALS_KEY/);
    assert.throws(() => loadConfig({ CREDENTIALS_PREVIOUS_KEYS: `${good},short` }), /CREDENTIALS_PREVIOUS_KEYS \(entry 2\)/);
  });

  it('embedded default: a key generated once into DATA_DIR with 0600, kept across restarts, still opening after CREDENTIALS_KEY is set', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'credentials-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir });
      const first = await resolveCredentialKeys(config);
      const file = path.join(dataDir, 'credentials-key');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').length, 32);
      const again = await resolveCredentialKeys(config);
      assert.ok(again.current.equals(first.current), 'the same key after a restart');

      const b = binding();
      const sealed = new CredentialStore(first).seal('sealed under the file key', b);
      const configured = key();
      const switched = await resolveCredentialKeys(loadConfig({ DATA_DIR: dataDir, CREDENTIALS_KEY: configured.toString('base64') }));
      assert.ok(switched.current.equals(configured));
      assert.equal(new CredentialStore(switched).open(sealed, b), 'sealed under the file key', 'the file key became a previous key');

      await writeFile(file, 'damaged\n');
      await assert.rejects(resolveCredentialKeys(config), /credentials-key does not hold a 32-byte base64 key. Restore it/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
