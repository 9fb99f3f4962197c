import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPublicHost, isPublicAddress } from '../../../src/platform/net/public-address.js';

describe('public addresses (the guard against tenant-aimed server requests)', () => {
  it('accepts public IPv4 and IPv6 addresses (the control)', () => {
    for (const a of ['1.1.1.1', '8.8.8.8', '151.101.1.69', '2001:4860:4860::8888', '2606:4700::1111']) assert.equal(isPublicAddress(a), true, a);
  });

  it('refuses loopback, private, link-local (cloud metadata), CGNAT, multicast and reserved ranges, in either spelling', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd00::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::FFFF:10.0.0.1']) {
      assert.equal(isPublicAddress(a), false, a);
    }
    assert.equal(isPublicAddress('172.32.0.1'), true, 'just outside 172.16/12');
    assert.equal(isPublicAddress('not an address'), false);
  });

  it('checks what a name resolves to, and literal addresses as they are', async () => {
    const local = await checkPublicHost('localhost');
    assert.equal(!local.ok && local.reason, 'not_public');
    assert.equal((await checkPublicHost('[::1]')).ok, false);
    assert.deepEqual(await checkPublicHost('127.0.0.1'), { ok: false, reason: 'not_public', address: '127.0.0.1' });
    assert.deepEqual(await checkPublicHost('93.184.215.14'), { ok: true });
  });
});
