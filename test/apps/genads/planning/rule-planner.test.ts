import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toHsl } from '../../../../src/apps/genads/color.js';
import { RulePlanner } from '../../../../src/apps/genads/planning/rule-planner.js';
import { OVERLAY_MAX_CHARS } from '../../../../src/apps/genads/planning/shot-grammar.js';
import type { AdStyle, PerfumeGender, PlanInput, VariationPlan } from '../../../../src/apps/genads/pipeline/types.js';

const planner = new RulePlanner();

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    brandName: 'Maison Lumière',
    perfumeName: 'Nuit Dorée',
    gender: 'feminine',
    style: 'gold_luxe',
    duration: 30,
    creativePrompt: 'An elegant evening of quiet confidence',
    brandStyle: { colors: [], tone: 'elegant, sophisticated', dos: [], donts: [], source: 'rules' },
    numVariations: 3,
    ...over,
  };
}

const plan = async (over: Partial<PlanInput> = {}) => (await planner.plan(input(over))).variations;
const allText = (v: VariationPlan) => v.scenes.map((s) => s.backgroundPrompt).join(' ');

function assertValid(variations: VariationPlan[], i: PlanInput) {
  assert.equal(variations.length, i.numVariations);
  variations.forEach((v, index) => {
    assert.equal(v.index, index);
    assert.deepEqual(
      v.scenes.map((s) => s.role),
      ['hook', 'product_reveal', 'mood', 'call_to_action'],
    );
    assert.deepEqual(
      v.scenes.map((s) => s.sceneId),
      ['scene_1', 'scene_2', 'scene_3', 'scene_4'],
    );
    assert.equal(
      v.scenes.reduce((a, s) => a + s.frames, 0),
      Math.round(i.duration * 30),
    );
    for (const s of v.scenes) {
      assert.equal(s.duration, s.frames / 30);
      assert.ok(s.frames >= 60);
      assert.ok(s.background.palette.length >= 2 && s.background.palette.length <= 4);
      for (const c of s.background.palette) assert.match(c, /^#[0-9a-f]{6}$/);
      assert.ok(Number.isInteger(s.background.seed) && s.background.seed >= 0 && s.background.seed <= 0x7fffffff);
      assert.ok(s.product.scale >= 0.2 && s.product.scale <= 0.7);
      for (const f of [s.product.x, s.product.y]) assert.ok(f >= 0 && f <= 1);
      assert.ok(s.overlay, 'every beat has a line');
      assert.ok(s.overlay.text.length <= OVERLAY_MAX_CHARS[s.overlay.size], `"${s.overlay.text}" is too long for ${s.overlay.size}`);
      assert.doesNotMatch(s.overlay.text, /[\n{}]/);
      assert.match(s.backgroundPrompt, /9:16/);
      assert.match(s.backgroundPrompt, /No text/);
      assert.match(s.backgroundPrompt, /no perfume bottle or product/);
      assert.ok(s.backgroundPrompt.length < 1500);
    }
    assert.equal(v.scenes[0].product.motion, 'hidden', 'the hook holds the bottle back');
    assert.notEqual(v.scenes[1].product.motion, 'hidden');
    assert.equal(v.scenes[3].overlay?.text.startsWith('Discover'), true);
    assert.deepEqual(v.styleSpec.colors, v.scenes[0].background.palette);
    for (const k of ['lighting', 'camera', 'mood'] as const) assert.ok(v.styleSpec[k].length > 5);
    assert.ok(v.music.bpm >= 60 && v.music.bpm <= 100);
    assert.ok(v.music.progression.length >= 3);
    assert.match(v.music.prompt, new RegExp(`${v.music.bpm} bpm`));
  });
}

describe('rule scene planner', () => {
  it('plans valid variations for every style, gender and duration, at no cost', async () => {
    for (const style of ['gold_luxe', 'dark_elegance', 'romantic_floral'] as AdStyle[]) {
      for (const gender of ['masculine', 'feminine', 'unisex'] as PerfumeGender[]) {
        for (const duration of [15, 23, 30, 45, 60]) {
          const i = input({ style, gender, duration });
          const r = await planner.plan(i);
          assert.equal(r.cost, 0);
          assertValid(r.variations, i);
        }
      }
    }
    assert.equal(planner.name, 'rules');
  });

  it('makes variations that genuinely differ', async () => {
    for (const style of ['gold_luxe', 'dark_elegance', 'romantic_floral'] as AdStyle[]) {
      const vs = await plan({ style });
      const distinct = <T>(f: (v: VariationPlan) => T) => new Set(vs.map((v) => JSON.stringify(f(v)))).size;
      assert.equal(distinct((v) => v.concept), 3, `${style}: ${vs.map((v) => v.concept).join(' / ')}`);
      assert.equal(distinct((v) => v.scenes.map((s) => s.background.motion)), 3, 'camera moves');
      assert.equal(distinct((v) => v.scenes.map((s) => s.background.particles)), 3, 'particles');
      assert.equal(distinct((v) => v.scenes[0].overlay?.text), 3, 'hook copy');
      assert.equal(distinct((v) => v.scenes[2].overlay?.text), 3, 'mood copy');
      assert.equal(distinct((v) => v.scenes.map((s) => s.backgroundPrompt)), 3, 'background prompts');
      assert.equal(distinct((v) => v.styleSpec.colors), 3, 'palettes');
      assert.equal(distinct((v) => [v.music.key, v.music.progression]), 3, 'music harmony');
      assert.equal(distinct((v) => v.music.seed), 3, 'music seeds');
      assert.equal(distinct((v) => v.scenes.map((s) => s.background.seed)), 3, 'scene seeds');
      assert.ok(distinct((v) => [v.scenes[1].product.motion, v.scenes[2].product.x]) >= 2, 'product staging');
      assert.ok(distinct((v) => v.music.bpm) >= 2, 'tempo');
    }
  });

  it('lets the prompt\'s keywords change concept, palette, particles, copy and prompts', async () => {
    const sunset = await plan({ style: 'dark_elegance', creativePrompt: 'A sunset walk along the ocean, warm and free' });
    const city = await plan({ style: 'dark_elegance', creativePrompt: 'Midnight in Paris, a bold and magnetic night out in the city' });
    const roses = await plan({ style: 'dark_elegance', creativePrompt: 'A secret rose garden, petals everywhere' });

    assert.equal(sunset[0].concept, 'golden hour ritual', 'the prompt\'s first theme leads variation 0, even outside the style');
    assert.equal(sunset[1].concept, 'sea breeze reverie');
    assert.equal(city[0].concept, 'city after dark');
    assert.equal(city[0].scenes[0].overlay?.text, 'After dark in Paris');
    assert.match(roses[0].concept, /botanical|rose/);
    assert.equal(roses[0].scenes.find((s) => s.role === 'product_reveal')?.background.particles, 'petals');

    assert.match(allText(sunset[0]), /ocean/i, 'the second theme still shows up in variation 0');
    assert.match(allText(city[1]), /city/i, 'and in the other variations');
    assert.match(allText(roses[2]), /blossoms|petals/);
    assert.notDeepEqual(sunset[0].styleSpec.colors, city[0].styleSpec.colors);
    assert.notDeepEqual(sunset[2].styleSpec.colors, city[2].styleSpec.colors, 'even the style-led variations shift colour with the prompt');

    assert.match(city[0].scenes[2].overlay!.text, /^Bold\./, 'the prompt\'s own adjective leads the mood line');
    assert.match(sunset[0].scenes[2].overlay!.text, /^Warm/);
    assert.match(sunset[0].music.prompt, /sun-drenched/);
  });

  it('keeps people out of the backgrounds unless the prompt asks for them', async () => {
    const empty = await plan();
    for (const v of empty) for (const s of v.scenes) assert.match(s.backgroundPrompt, /no people/);
    const dancer = await plan({ creativePrompt: 'A woman dancing alone under the stars' });
    const mood = dancer[0].scenes[2];
    assert.doesNotMatch(mood.backgroundPrompt, /no people/);
    assert.match(mood.backgroundPrompt, /\ba woman in soft focus/i);
    assert.match(dancer[0].scenes[0].backgroundPrompt, /no people/, 'only the mood beat shows them');
    const forbidden = await plan({ creativePrompt: 'A woman dancing alone', brandStyle: { colors: [], tone: '', dos: [], donts: ['No people or faces'], source: 'llm' } });
    assert.match(forbidden[0].scenes[2].backgroundPrompt, /no people/, 'the guidelines win over the prompt');
  });

  it('puts the brand\'s first colour verbatim in every palette, darkest first', async () => {
    for (const colors of [['#1b2a4a', '#d4af37'], ['#7A1F3D'], ['#f4efe6', '#111111', '#c0c0c0']]) {
      const vs = await plan({ brandStyle: { colors, tone: 'elegant', dos: [], donts: [], source: 'llm' } });
      for (const v of vs) {
        assert.ok(v.styleSpec.colors.includes(colors[0].toLowerCase()), `${colors[0]} in ${v.styleSpec.colors.join(', ')}`);
        for (const s of v.scenes) assert.ok(s.background.palette.includes(colors[0].toLowerCase()));
      }
    }
    const navy = await plan({ brandStyle: { colors: ['#1b2a4a', '#d4af37'], tone: '', dos: [], donts: [], source: 'llm' } });
    const plain = await plan();
    assert.notDeepEqual(navy[0].styleSpec.colors, plain[0].styleSpec.colors);
    const lum = (hex: string) => toHsl(hex).l;
    for (const v of navy) {
      const ls = v.styleSpec.colors.map(lum);
      assert.ok(lum(v.styleSpec.colors[0]) <= lum(v.styleSpec.colors.at(-1)!), ls.join(', '));
    }
    // Garbage in the guidelines' colours is ignored, not passed to the renderer.
    const junk = await plan({ brandStyle: { colors: ['gold', '#12345'], tone: '', dos: [], donts: [], source: 'llm' } });
    assert.deepEqual(junk[0].styleSpec.colors, plain[0].styleSpec.colors);
  });

  it('follows simple dos and don\'ts: softer colours, no clutter, soft light', async () => {
    const strict = await plan({
      style: 'romantic_floral',
      brandStyle: { colors: [], tone: 'calm', dos: ['Use soft lighting'], donts: ['Avoid harsh colors', 'No cluttered backgrounds'], source: 'llm' },
    });
    for (const v of strict) {
      // Capped at 0.55; near white, rounding to 8-bit channels moves HSL saturation by up to ~0.03.
      for (const c of v.styleSpec.colors) assert.ok(toHsl(c).s <= 0.58, `${c} saturation ${toHsl(c).s}`);
      for (const s of v.scenes) {
        assert.equal(s.background.particles, 'none');
        assert.match(s.backgroundPrompt, /uncluttered/);
        assert.match(s.backgroundPrompt, /soft and flattering/);
      }
      assert.match(v.styleSpec.lighting, /soft, flattering light/);
    }
    const loose = await plan({ style: 'romantic_floral' });
    assert.ok(loose.some((v) => v.styleSpec.colors.some((c) => toHsl(c).s > 0.62)), 'without the rule the style is more saturated');
  });

  it('builds the copy from the names and fits long names on one line', async () => {
    const vs = await plan();
    assert.equal(vs[0].scenes[1].overlay?.text, 'Nuit Dorée');
    assert.equal(vs[1].scenes[1].overlay?.text, 'Nuit Dorée by Maison Lumière');
    assert.equal(vs[0].scenes[3].overlay?.text, 'Discover Nuit Dorée');
    assert.equal(vs[0].scenes[3].overlay?.size, 'large');
    const long = await plan({ perfumeName: 'Eau de Parfum Intense Nocturne', brandName: 'The Very Long House of Fragrance' });
    assertValid(long, input({ perfumeName: 'Eau de Parfum Intense Nocturne' }));
    assert.equal(long[0].scenes[3].overlay?.text, 'Discover Eau de Parfum Intense Nocturne');
    assert.equal(long[0].scenes[3].overlay?.size, 'medium', 'too long for large: one size down rather than wrapped');
    const huge = await plan({ perfumeName: 'L\'Eau Extraordinaire de la Nuit Parisienne Absolue', brandName: 'X' });
    assertValid(huge, input());
    assert.equal(huge[0].scenes[3].overlay?.text, 'Discover X');
  });

  it('is deterministic: same input, same plan; key order does not matter; variation 0 does not depend on how many are asked', async () => {
    const a = await plan({ brandStyle: { colors: ['#112233'], tone: 'bold', dos: ['x'], donts: ['y'], source: 'rules' } });
    const b = await plan({ brandStyle: { source: 'rules', donts: ['y'], dos: ['x'], tone: 'bold', colors: ['#112233'] } });
    assert.deepEqual(a, b);
    const one = await plan({ numVariations: 1, brandStyle: { colors: ['#112233'], tone: 'bold', dos: ['x'], donts: ['y'], source: 'rules' } });
    assert.deepEqual(one[0], a[0]);
    const other = await plan({ brandStyle: { colors: ['#112233'], tone: 'bold', dos: ['x'], donts: ['y'], source: 'rules' }, perfumeName: 'Other' });
    assert.notEqual(other[0].scenes[0].background.seed, a[0].scenes[0].background.seed, 'a different campaign gets different seeds');
  });

  it('draws a new take: new seeds, and concepts other than the replaced take\'s; take 1 is the plan it always was', async () => {
    const first = await plan({ numVariations: 2 });
    assert.deepEqual(await plan({ numVariations: 2, take: 1 }), first, 'take 1 is the first plan');
    const avoidConcepts = first.map((v) => v.concept);
    const second = await plan({ numVariations: 2, take: 2, avoidConcepts });
    assertValid(second, input({ numVariations: 2 }));
    for (const v of second) assert.ok(!avoidConcepts.includes(v.concept), `${v.concept} is new (was ${avoidConcepts.join(', ')})`);
    assert.notEqual(second[0].scenes[0].background.seed, first[0].scenes[0].background.seed);
    assert.notEqual(second[0].music.seed, first[0].music.seed);
    assert.deepEqual(await plan({ numVariations: 2, take: 2, avoidConcepts }), second, 'a take is deterministic (a retried job renders the same ad)');
    const third = await plan({ numVariations: 2, take: 3, avoidConcepts: second.map((v) => v.concept) });
    assert.notEqual(third[0].scenes[0].background.seed, second[0].scenes[0].background.seed);
  });

  it('shows the bottle from the angle each beat suits: front for the reveal and the pack shot, a side for the mood', async () => {
    for (const v of await plan()) {
      const [, reveal, mood, cta] = v.scenes;
      assert.equal(reveal.product.angle, 'front');
      assert.equal(cta.product.angle, 'front');
      assert.equal(mood.product.angle, mood.product.x < 0.5 ? 'right' : 'left');
    }
  });

  it('refuses impossible requests clearly', async () => {
    await assert.rejects(planner.plan(input({ numVariations: 4 })), /numVariations must be 1, 2 or 3/);
    await assert.rejects(planner.plan(input({ duration: 5 })), /cannot hold 4 scenes/);
    await assert.rejects(planner.plan(input({ perfumeName: '  ' })), /names are required/);
    await assert.rejects(planner.plan(input(), AbortSignal.abort()), { name: 'AbortError' });
  });
});
