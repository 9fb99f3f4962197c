import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { installedApps } from '../../src/apps/index.js';
import { createSocialApp } from '../../src/apps/social/index.js';
import { startFakeNetworks } from '../apps/social/fakes/index.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../support/platform.js';
import { multipartForm } from '../support/multipart.js';
import { sceneJpeg } from '../support/images.js';
import { pdfBomb, pixelBombJpeg, pixelBombPng, zipBombDocx } from '../support/bombs.js';
import { GenAdsClient } from '../apps/genads/support/genads-client.js';
import { bottlePhoto, logoPng } from '../apps/genads/support/images.js';
import { buildPdf } from '../apps/genads/support/pdf.js';
import { SAMPLE_GUIDELINES } from '../apps/genads/support/documents.js';
import { buildDocx } from '../apps/genads/guidelines/support/docx.js';
import { operationsOf, type FileSamples, type FuzzOperation, type FuzzWorld, type OpenApiDocument } from './openapi-fuzzer.js';

const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface FuzzSetup {
  t: TestPlatform;
  world: FuzzWorld;
  operations: FuzzOperation[];
  files: FileSamples;
  close(): Promise<void>;
}

/**
 * A listening platform with every installed app (workers off: the fuzzer probes the API, not
 * the pipelines), an attacker tenant and a victim tenant that owns one of everything, and the
 * operations of its /openapi.json.
 */
export async function setUpFuzzing(): Promise<FuzzSetup> {
  // Social's adapters talk to local fake networks: the fuzzer must never depend on the internet.
  const networks = await startFakeNetworks({ timeoutMs: 2000 });
  const apps = installedApps.map((app) => (app.name === 'social' ? createSocialApp({ providers: networks.providers }) : app));
  const t = await startTestPlatform({ apps, env: { WORKERS: 'off' } });
  await t.server.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(t.server.server.address() as AddressInfo).port}`;
  // Every name the victim gives its data carries this tag: an answer to the attacker that contains it leaks.
  const tag = randomBytes(4).toString('hex');
  const secret = (what: string) => `Victim ${what} ${tag}`;

  const attacker = await t.signup('fuzz-attacker');
  const victim = await t.signup('fuzz-victim');
  const must = async (what: string, res: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 201) => {
    const r = await res;
    if (r.statusCode !== status) throw new Error(`fuzz setup: ${what} answered ${r.statusCode} ${r.body}`);
    return (r.body ? r.json() : {}) as Record<string, string>;
  };

  // The victim owns one of everything: GenAds brand, perfume and campaign; a Visant device,
  // capture and share; a file, an API key, an invite and a platform share link.
  const victimAds = new GenAdsClient(t, victim);
  await victimAds.onboard(secret('brand'));
  const perfume = await victimAds.createPerfume(secret('perfume'));
  const campaign = await victimAds.createCampaign(perfume.perfume_id, { campaign_name: secret('campaign') });
  const deviceName = `victim-cam-${tag}`;
  const device = await must('device', t.request('POST', '/visant/v1/devices', { token: victim.token, body: { device_id: deviceName, friendly_name: secret('device') } }));
  const recordId = `victim-rec-${tag}`;
  await must('capture', t.request('POST', '/visant/v1/captures', { token: device.api_key, body: { device_id: deviceName, record_id: recordId, image_base64: (await sceneJpeg({ width: 160, height: 120 })).toString('base64') } }));
  const visantShare = await must('visant share', t.request('POST', `/visant/v1/devices/${deviceName}/share`, { token: victim.token, body: {} }));
  const upload = multipartForm({ key: `victim-${tag}.png` }, [{ field: 'file', filename: 'a.png', type: 'image/png', data: await logoPng(32) }]);
  const file = await must('file', t.server.inject({ method: 'POST', url: '/api/v1/files', payload: upload.payload, headers: { 'content-type': upload.contentType, authorization: `Bearer ${victim.token}` } }));
  const apiKey = await must('api key', t.request('POST', '/api/v1/api-keys', { token: victim.token, body: { name: secret('key') } }));
  const invite = await must('invite', t.request('POST', '/api/v1/invites', { token: victim.token, body: { email: `invitee-${tag}@example.test` } }));
  const shareLink = await must('share link', t.request('POST', '/api/v1/share-links', { token: victim.token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'g-1', title: secret('share') } }));

  // The attacker has resources of its own, so its routes get past "nothing here yet" (named with another tag: the victim's is a secret).
  const attackerTag = randomBytes(4).toString('hex');
  const attackerAds = new GenAdsClient(t, attacker);
  await attackerAds.onboard(`Attacker ${attackerTag}`);
  await attackerAds.createPerfume('Attacker perfume');
  const attackerDevice = await must('attacker device', t.request('POST', '/visant/v1/devices', { token: attacker.token, body: { device_id: `attacker-cam-${attackerTag}` } }));
  const attackerKey = await must('attacker api key', t.request('POST', '/api/v1/api-keys', { token: attacker.token, body: { name: 'fuzz', role: 'admin' } }));
  const revokedKey = await must('revoked key', t.request('POST', '/api/v1/api-keys', { token: attacker.token, body: { name: 'revoked' } }));
  await must('revoke', t.request('DELETE', `/api/v1/api-keys/${revokedKey.id}`, { token: attacker.token }), 204);

  const doc = (await t.request('GET', '/openapi.json')).json() as OpenApiDocument;
  const world: FuzzWorld = {
    baseUrl,
    attackerCredentials: { access: attacker.token, apiKey: attackerKey.key, deviceKey: attackerDevice.api_key },
    badCredentials: await badCredentials(attacker, revokedKey.key),
    victimIds: [victim.orgId, victim.userId, perfume.perfume_id, campaign.campaign_id, file.id, apiKey.id, invite.id, shareLink.id].filter(Boolean),
    victimShareTokens: [visantShare.token, shareLink.token].filter(Boolean),
    victimSecrets: [victim.email, tag],
    renewAttacker: async (): Promise<Record<string, string>> => {
      const me = await t.request('GET', '/api/v1/auth/me', { token: world.attackerCredentials.access });
      if (me.statusCode === 200) return {};
      const login = await t.request('POST', '/api/v1/auth/login', { body: { email: attacker.email, password: attacker.password } });
      if (login.statusCode !== 200) throw new Error(`the attacker cannot sign in again: ${login.statusCode} ${login.body}`);
      return { access: String(login.json().access_token) };
    },
  };
  return {
    t,
    world,
    operations: operationsOf(doc),
    files: await sampleFiles(),
    close: async () => {
      await t.close();
      await networks.close();
    },
  };
}

/** Tokens that must never authenticate: expired, signed with another key, unsigned, malformed, revoked, of the wrong kind. */
async function badCredentials(attacker: TestUser, revokedApiKey: string): Promise<string[]> {
  const sign = (key: string, expiresAt: number) =>
    new SignJWT({ org_id: attacker.orgId, role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(attacker.userId)
      .setIssuer('tenantry')
      .setIssuedAt(expiresAt - 900)
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(key));
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: attacker.userId, org_id: attacker.orgId, role: 'owner', iss: 'tenantry', exp: now + 900 })).toString('base64url')}.`;
  return [
    await sign(JWT_SECRET, now - 60),
    await sign('another-secret-another-secret-another-secret', now + 900),
    unsigned,
    attacker.refreshToken,
    revokedApiKey,
    'Bearer ',
    'Basic YWRtaW46YWRtaW4=',
    'not-a-token',
    'x'.repeat(5000),
    `${attacker.token.slice(0, -4)}AAAA`,
  ];
}

async function sampleFiles(): Promise<FileSamples> {
  const jpeg = await sceneJpeg({ width: 64, height: 48 });
  return {
    files: [
      { name: 'logo.png', type: 'image/png', data: await logoPng(64) },
      { name: 'bottle.png', type: 'image/png', data: await bottlePhoto({ width: 200, height: 300 }) },
      { name: 'scene.jpg', type: 'image/jpeg', data: jpeg },
      { name: 'truncated.jpg', type: 'image/jpeg', data: jpeg.subarray(0, Math.floor(jpeg.length / 2)) },
      { name: 'huge.png', type: 'image/png', data: pixelBombPng() },
      { name: 'huge.jpg', type: 'image/jpeg', data: pixelBombJpeg() },
      { name: 'guidelines.pdf', type: 'application/pdf', data: buildPdf({ pages: [SAMPLE_GUIDELINES] }) },
      { name: 'bomb.pdf', type: 'application/pdf', data: pdfBomb({ pages: 2000, streamBytes: 2_000_000 }) },
      { name: 'guidelines.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: buildDocx(['Primary colour: Gold #C9A227.']) },
      { name: 'bomb.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: zipBombDocx(256 * 1024 * 1024) },
      { name: 'random.bin', type: 'application/octet-stream', data: randomBytes(300) },
      { name: 'empty.txt', type: 'text/plain', data: new Uint8Array(0) },
      { name: 'page.html', type: 'text/html', data: Buffer.from('<script>alert(1)</script>') },
    ],
  };
}
