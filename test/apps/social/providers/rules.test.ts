import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertPublishable, checkRules } from '../../../../src/apps/social/providers/rules.js';
import { graphemeCount, mastodonLength, xWeightedLength } from '../../../../src/apps/social/providers/text-length.js';
import type { Network } from '../../../../src/apps/social/providers/provider.js';

const img = (contentType = 'image/jpeg', size = 1000) => ({ contentType, size });
const rulesBroken = (network: Network, text: string, media: Array<{ contentType: string; size: number; alt?: string; durationSeconds?: number | null }> = []) => checkRules(network, { text, media }).map((v) => v.rule);

describe('text length as each network counts it', () => {
  it('X weighs CJK and emoji double and every URL as 23', () => {
    assert.equal(xWeightedLength('hello'), 5);
    assert.equal(xWeightedLength('日本語'), 6);
    assert.equal(xWeightedLength('👨‍👩‍👧‍👦'), 2); // one family emoji, 7 code points
    assert.equal(xWeightedLength(`see https://example.com/${'a'.repeat(200)}`), 4 + 23);
    assert.equal(xWeightedLength('café'), 4);
  });

  it('Bluesky counts graphemes, Mastodon code points with URLs as 23', () => {
    assert.equal(graphemeCount('🇫🇷👍🏽é'), 3);
    assert.equal(mastodonLength(`hi https://example.com/${'x'.repeat(100)}`), 3 + 23);
    assert.equal(mastodonLength('@alice@mastodon.social hi'), '@alice hi'.length);
  });
});

describe('per-network rules', () => {
  it('X: 280 weighted characters; a long URL does not count its full length', () => {
    assert.deepEqual(rulesBroken('x', 'a'.repeat(280)), []);
    assert.deepEqual(rulesBroken('x', 'a'.repeat(281)), ['text_too_long']);
    assert.deepEqual(rulesBroken('x', '日'.repeat(141)), ['text_too_long']);
    assert.deepEqual(rulesBroken('x', `${'a'.repeat(250)} https://example.com/${'p'.repeat(300)}`), []);
    const [v] = checkRules('x', { text: 'a'.repeat(300), media: [] });
    assert.equal(v.message, 'X allows 280 weighted characters; this text has 300: shorten it by 20');
  });

  it('Bluesky: 300 graphemes, so 300 flags (1,200 code units) fit and 301 letters do not', () => {
    assert.deepEqual(rulesBroken('bluesky', '🇫🇷'.repeat(300)), []);
    assert.deepEqual(rulesBroken('bluesky', 'a'.repeat(301)), ['text_too_long']);
    assert.match(checkRules('bluesky', { text: 'a'.repeat(301), media: [] })[0].message, /300 graphemes/);
  });

  it('Mastodon 500, Instagram 2,200, LinkedIn 3,000, Facebook 63,206', () => {
    const limits: Array<[Network, number]> = [['mastodon', 500], ['instagram', 2200], ['linkedin', 3000], ['facebook', 63206]];
    for (const [network, limit] of limits) {
      const media = network === 'instagram' ? [img()] : [];
      assert.deepEqual(rulesBroken(network, 'a'.repeat(limit), media), [], network);
      assert.deepEqual(rulesBroken(network, 'a'.repeat(limit + 1), media), ['text_too_long'], network);
    }
  });

  it('Instagram needs media; an empty post is refused everywhere', () => {
    assert.deepEqual(rulesBroken('instagram', 'text only'), ['media_required']);
    assert.match(checkRules('instagram', { text: 'x', media: [] })[0].message, /Instagram posts need at least one image or video/);
    assert.deepEqual(rulesBroken('mastodon', '  '), ['empty_post']);
  });

  it('media counts, types and sizes per network, naming the media item', () => {
    assert.deepEqual(rulesBroken('x', 'hi', [img(), img(), img(), img(), img()]), ['too_many_media']);
    assert.deepEqual(rulesBroken('instagram', 'hi', [img('image/png')]), ['media_type']);
    assert.match(checkRules('instagram', { text: 'hi', media: [img('image/png')] })[0].message, /Instagram does not take image\/png \(media 1\); it accepts image\/jpeg/);
    assert.deepEqual(rulesBroken('bluesky', 'hi', [img('image/jpeg', 1_000_001)]), ['media_too_large']);
    assert.match(checkRules('facebook', { text: 'hi', media: [img(), img('image/png', 5 * 1024 * 1024)] })[0].message, /media 2 is 5 MB/);
    assert.deepEqual(rulesBroken('facebook', 'hi', [img('video/webm')]), ['media_type']); // Page videos: MP4 or MOV
    assert.deepEqual(rulesBroken('linkedin', 'hi', [img('video/webm')]), ['media_type']); // LinkedIn's Videos API takes MP4 only
    assert.deepEqual(rulesBroken('bluesky', 'hi', [img('video/webm')]), []);
    assert.deepEqual(rulesBroken('x', 'hi', [img('video/mp4'), img()]), ['video_not_alone']);
    assert.deepEqual(rulesBroken('instagram', 'hi', [img('video/mp4'), img()]), []); // carousels mix
    assert.deepEqual(rulesBroken('x', 'hi', [{ ...img(), alt: 'a'.repeat(1001) }]), ['alt_too_long']);
  });

  it("a video's length per network, once measured; within a carousel where the network says so", () => {
    const video = (durationSeconds: number | null) => ({ ...img('video/mp4'), durationSeconds });
    assert.deepEqual(rulesBroken('x', 'hi', [video(140)]), []);
    assert.deepEqual(rulesBroken('x', 'hi', [video(140.5)]), ['video_too_long']);
    assert.match(checkRules('x', { text: 'hi', media: [video(150)] })[0].message, /^X takes videos up to 2 min 20 s; media 1 lasts 2 min 30 s: trim it$/);
    assert.deepEqual(rulesBroken('x', 'hi', [video(0.4)]), ['video_too_short']);
    assert.match(checkRules('x', { text: 'hi', media: [video(0.4)] })[0].message, /^X takes videos of at least 0.5 s; media 1 lasts 0.4 s$/);
    assert.deepEqual(rulesBroken('x', 'hi', [video(null)]), [], 'not yet measured: not judged');
    // Instagram: a Reel up to 15 minutes, a carousel's video up to 60 s.
    assert.deepEqual(rulesBroken('instagram', 'hi', [video(600)]), []);
    assert.deepEqual(rulesBroken('instagram', 'hi', [video(901)]), ['video_too_long']);
    assert.deepEqual(rulesBroken('instagram', 'hi', [video(2)]), ['video_too_short']);
    assert.deepEqual(rulesBroken('instagram', 'hi', [img(), video(61)]), ['video_too_long']);
    assert.match(checkRules('instagram', { text: 'hi', media: [img(), video(61)] })[0].message, /up to 1 min in a post with several media; media 2 lasts 1 min 1 s/);
    // Mastodon states no length limit.
    assert.deepEqual(rulesBroken('mastodon', 'hi', [video(3600)]), []);
    // Bluesky's video service: up to 3 minutes; LinkedIn's Videos API: 3 s to 30 minutes.
    assert.deepEqual(rulesBroken('bluesky', 'hi', [video(180)]), []);
    assert.deepEqual(rulesBroken('bluesky', 'hi', [video(181)]), ['video_too_long']);
    assert.deepEqual(rulesBroken('linkedin', 'hi', [video(2.9)]), ['video_too_short']);
    assert.deepEqual(rulesBroken('linkedin', 'hi', [video(1800)]), []);
    assert.deepEqual(rulesBroken('linkedin', 'hi', [video(1801)]), ['video_too_long']);
    assert.deepEqual(rulesBroken('facebook', 'hi', [video(1200)]), []);
    assert.deepEqual(rulesBroken('facebook', 'hi', [video(1201)]), ['video_too_long']);
  });

  it('assertPublishable throws a 422 listing every broken rule, not retryable', () => {
    assert.throws(
      () => assertPublishable('instagram', { text: 'a'.repeat(2201), media: [] }),
      (e: { status: number; code: string; retryable: boolean; details: { violations: Array<{ rule: string }> } }) =>
        e.status === 422 && e.code === 'SOCIAL_RULE_VIOLATED' && !e.retryable && e.details.violations.map((v) => v.rule).join() === 'text_too_long,media_required',
    );
    assert.doesNotThrow(() => assertPublishable('x', { text: 'fine', media: [] }));
  });
});
