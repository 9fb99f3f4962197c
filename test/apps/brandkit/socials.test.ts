import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { startFakeChatServer, type FakeChatServer } from '../../support/fake-chat-server.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { OfflineSocialAnalyzer } from '../../../src/apps/brandkit/socials/offline-analyzer.js';

const OUTDOOR = {
  handle: '@trail.mix',
  bio: 'Adventure gear for people who explore wild places. Freedom starts at the trailhead.',
  captions: [
    'Sunrise over the forest ridge! Best hike of the year #hiking #adventure',
    'Packing light for a week in the mountains. Where should we explore next?',
    'Our new green canvas pack is built for the long journey #hiking',
    'Nothing beats the freedom of the open trail! #adventure #outdoors',
  ],
};

describe('brandkit social analysis', () => {
  describe('offline analyser', () => {
    it('derives tone, themes, values, archetype and colours from the pasted text, naming its evidence', async () => {
      const a = await new OfflineSocialAnalyzer().analyze({ platform: 'instagram', handle: 'trail.mix', profileUrl: null, pasted: OUTDOOR });
      assert.equal(a.archetype, 'explorer');
      assert.ok(a.themes.includes('hiking') && a.themes.includes('adventure'), a.themes.join());
      assert.ok(a.suggested_values.includes('adventure') && a.suggested_values.includes('freedom'), a.suggested_values.join());
      assert.ok(a.tone.includes('positive'), a.tone.join());
      assert.ok(a.based_on.some((b) => /2 exclamation mark\(s\)/.test(b)), a.based_on.join('|'));
      assert.deepEqual(a.colors, ['#1b5e20', '#2e7d32'], 'the colours named in the text, in order: forest, green');
      assert.ok(a.based_on.some((b) => /#hiking/.test(b)));
      assert.ok(a.based_on.some((b) => /archetype The Explorer from the words/.test(b)));
    });

    it('reads a different voice differently', async () => {
      const a = await new OfflineSocialAnalyzer().analyze({
        platform: 'twitter', handle: 'prof', profileUrl: null,
        pasted: { bio: 'Researcher. Knowledge, education and evidence-based insight.', captions: ['New research on learning outcomes in education, with careful analysis.', 'Thoughtful discussion of the evidence: what the research shows about learning.'] },
      });
      assert.equal(a.archetype, 'sage');
      assert.ok(a.tone.includes('formal') || a.tone.includes('calm') || a.tone.includes('neutral'), a.tone.join());
      assert.ok(!a.tone.includes('energetic'));
      assert.ok(a.based_on.some((b) => /no colours named/.test(b)));
    });

    it('refuses to invent an analysis from nothing', async () => {
      await assert.rejects(new OfflineSocialAnalyzer().analyze({ platform: 'tiktok', handle: 'x', profileUrl: null, pasted: { bio: 'hi' } }), /Nothing to analyse/);
    });
  });

  describe('as a job through the API', () => {
    let t: TestPlatform;
    let user: TestUser;
    before(async () => {
      t = await startTestPlatform({ apps: [brandkitApp] });
      user = await t.signup('bk-social');
    });
    after(() => t.close());

    it('saves the profile, analyses it in a job and stores the result', async () => {
      const put = await t.request('PUT', '/brandkit/api/socials/instagram', { token: user.token, body: OUTDOOR });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().handle, 'trail.mix');
      const queued = await t.request('POST', '/brandkit/api/socials/instagram/analyze', { token: user.token });
      assert.equal(queued.statusCode, 202);
      const job = await waitForJobEnd(t, user.orgId, queued.json().job_id);
      assert.equal(job.state, 'completed', job.error ?? '');
      const [social] = (await t.request('GET', '/brandkit/api/socials', { token: user.token })).json().items;
      assert.equal(social.analysis_data.archetype, 'explorer');
      assert.equal(social.analysis_data.analyzer, 'offline');
      assert.ok(social.analyzed_at);
    });

    it('fails the job at once, saying what to paste, when there is nothing to analyse', async () => {
      await t.request('PUT', '/brandkit/api/socials/tiktok', { token: user.token, body: { handle: 'quiet' } });
      const queued = await t.request('POST', '/brandkit/api/socials/tiktok/analyze', { token: user.token });
      const job = await waitForJobEnd(t, user.orgId, queued.json().job_id);
      assert.equal(job.state, 'failed');
      assert.equal(job.attempts, 1, 'retrying cannot help');
      assert.match(job.error ?? '', /paste the profile's bio/);
    });

    it('refuses bad handles and unknown platforms, and 404s an analysis of a profile not saved', async () => {
      assert.equal((await t.request('PUT', '/brandkit/api/socials/instagram', { token: user.token, body: { handle: 'no spaces allowed' } })).statusCode, 400);
      assert.equal((await t.request('PUT', '/brandkit/api/socials/myspace', { token: user.token, body: { handle: 'x' } })).statusCode, 400);
      assert.equal((await t.request('POST', '/brandkit/api/socials/twitter/analyze', { token: user.token })).statusCode, 404);
      // Another user of the same org does not see this user's profiles.
      const colleague = await t.addMember(user, 'member', 'bk-colleague');
      assert.deepEqual((await t.request('GET', '/brandkit/api/socials', { token: colleague.token })).json().items, []);
      assert.equal((await t.request('POST', '/brandkit/api/socials/instagram/analyze', { token: colleague.token })).statusCode, 404);
    });
  });

  describe('hosted analyser', () => {
    let t: TestPlatform;
    let user: TestUser;
    let chat: FakeChatServer;
    let source: Server;
    const profileRequests: string[] = [];
    before(async () => {
      chat = await startFakeChatServer([
        { content: 'not json at all' },
        { content: JSON.stringify({ tone: ['warm'], themes: ['coffee'], suggested_values: ['community'], archetype: 'everyman', colors: ['#6d4c41'], based_on: ['the bio mentions the neighbourhood café'] }) },
      ]);
      // A local profile source speaking the adapter's protocol: GET /profiles/{platform}/{handle}.
      source = createServer((req, res) => {
        profileRequests.push(`${req.url} ${req.headers.authorization ?? ''}`);
        if (req.url === '/profiles/instagram/cafe.corner') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bio: 'Your neighbourhood café since 1998', captions: ['Fresh beans today', 'Thanks for coming by'] }));
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
      const port = (source.address() as AddressInfo).port;
      t = await startTestPlatform({
        apps: [brandkitApp],
        env: {
          BRANDKIT_ANALYZER: 'hosted', BRANDKIT_ANALYZER_BASE_URL: chat.baseUrl, BRANDKIT_ANALYZER_API_KEY: 'sk-test', BRANDKIT_ANALYZER_MODEL: 'test-model',
          BRANDKIT_PROFILE_SOURCE_URL: `http://127.0.0.1:${port}`, BRANDKIT_PROFILE_SOURCE_API_KEY: 'src-key',
        },
      });
      user = await t.signup('bk-hosted');
    });
    after(async () => {
      await t.close();
      await chat.close();
      await new Promise<void>((resolve) => source.close(() => resolve()));
    });

    it('sends the fetched profile to the model, re-asks a malformed answer, and stores the valid one', async () => {
      await t.request('PUT', '/brandkit/api/socials/instagram', { token: user.token, body: { handle: 'cafe.corner' } });
      const queued = await t.request('POST', '/brandkit/api/socials/instagram/analyze', { token: user.token });
      const job = await waitForJobEnd(t, user.orgId, queued.json().job_id);
      assert.equal(job.state, 'completed', job.error ?? '');
      assert.deepEqual(profileRequests, ['/profiles/instagram/cafe.corner Bearer src-key']);
      assert.equal(chat.requests.length, 2);
      assert.equal(chat.requests[0].headers.authorization, 'Bearer sk-test');
      assert.match(chat.requests[0].body.messages[1].content, /neighbourhood café since 1998/);
      assert.match(chat.requests[1].body.messages.at(-1)!.content, /cannot be used/);
      const [social] = (await t.request('GET', '/brandkit/api/socials', { token: user.token })).json().items;
      assert.equal(social.analysis_data.archetype, 'everyman');
      assert.equal(social.analysis_data.model, 'test-model');
    });

    it('fails without retrying when the profile source has no such profile', async () => {
      await t.request('PUT', '/brandkit/api/socials/twitter', { token: user.token, body: { handle: 'nobody.here' } });
      const queued = await t.request('POST', '/brandkit/api/socials/twitter/analyze', { token: user.token });
      const job = await waitForJobEnd(t, user.orgId, queued.json().job_id);
      assert.equal(job.state, 'failed');
      assert.equal(job.attempts, 1);
      assert.match(job.error ?? '', /no twitter profile "@nobody.here"/);
    });
  });
});
