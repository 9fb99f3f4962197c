import { ARCHETYPE_INFO, stem, suggestArchetypes, words, type Archetype } from '../identity/archetypes.js';
import { AnalysisInputError, type SocialAnalysis, type SocialAnalyzer, type SocialProfileInput } from './analyzer.js';

/**
 * The offline analyser: reads what the user pasted (bio and recent captions) and derives the
 * voice from the text itself: punctuation, emoji, pronouns, word length and a small sentiment
 * lexicon give the tone; hashtags and the most frequent content words give the themes; value
 * words found in the text (or implied by the archetype) give suggested values; colour words
 * give colours, else the archetype's usual colours. Every conclusion names its evidence.
 */
const STOPWORDS = new Set(('a an the and or but if then so of to in on at by for with from as is are was were be been being it its this that these those ' +
  'i me my mine we us our ours you your yours he him his she her they them their what which who whom when where why how all any both each few more most ' +
  'other some such no nor not only own same than too very can will just don should now im ive dont cant get got go going new one today day days time ' +
  'here there out up down about into over after before again also make made every much many like love lot lots way back see our still come').split(' '));

const POSITIVE = new Set(['love', 'great', 'amazing', 'happy', 'beautiful', 'best', 'awesome', 'excited', 'grateful', 'proud', 'wonderful', 'joy', 'fun', 'perfect', 'inspired', 'thank', 'thanks', 'blessed', 'delicious', 'fresh']);
const NEGATIVE = new Set(['hate', 'bad', 'worst', 'sad', 'angry', 'tired', 'broken', 'fail', 'failed', 'problem', 'never', 'ugly', 'wrong']);
const CALM = new Set(['calm', 'slow', 'mindful', 'gentle', 'quiet', 'peace', 'peaceful', 'simple', 'soft', 'balance', 'breathe', 'ritual']);
const VALUE_WORDS = ['sustainability', 'quality', 'community', 'creativity', 'authenticity', 'innovation', 'wellness', 'adventure', 'craftsmanship', 'transparency',
  'inclusivity', 'family', 'freedom', 'fun', 'education', 'luxury', 'health', 'kindness', 'courage', 'simplicity', 'tradition', 'passion', 'nature', 'excellence'];
const VALUE_STEMS = new Map(VALUE_WORDS.map((v) => [stem(v), v]));

const COLOR_WORDS: Record<string, string> = {
  red: '#c62828', crimson: '#b71c1c', orange: '#ef6c00', coral: '#ff7f50', peach: '#ffb07c', yellow: '#f9a825', gold: '#c9a227', golden: '#c9a227',
  green: '#2e7d32', sage: '#87a96b', olive: '#6b8e23', mint: '#98d8c8', forest: '#1b5e20', teal: '#00897b', turquoise: '#30c5c0', blue: '#1565c0',
  ocean: '#0077be', sky: '#64b5f6', navy: '#1a237e', purple: '#6a1b9a', lavender: '#b39ddb', violet: '#7e57c2', pink: '#ec407a', rose: '#e8a0a8',
  blush: '#f4c2c2', brown: '#6d4c41', earth: '#8d6e63', sand: '#d2b48c', beige: '#e8dcc4', cream: '#f5efe0', black: '#212121', charcoal: '#36454f', white: '#fafafa', silver: '#b0bec5',
};

/** The archetype's usual colours, when the text names none. */
const ARCHETYPE_COLORS: Record<Archetype, string[]> = {
  innocent: ['#a8d5e2', '#f9f7f0'], everyman: ['#4a7c59', '#d9c6a5'], hero: ['#c62828', '#1a237e'], outlaw: ['#212121', '#b71c1c'],
  explorer: ['#2e7d32', '#8d6e63'], creator: ['#ff6f00', '#6a1b9a'], ruler: ['#1a1a2e', '#c9a227'], magician: ['#4a148c', '#00bcd4'],
  lover: ['#ad1457', '#f8bbd0'], caregiver: ['#4fc3f7', '#aed581'], jester: ['#ffeb3b', '#ff4081'], sage: ['#283593', '#90a4ae'],
};

const EMOJI = /\p{Extended_Pictographic}/gu;
const HASHTAG = /#([\p{L}\p{N}_]{2,50})/gu;

export class OfflineSocialAnalyzer implements SocialAnalyzer {
  readonly name = 'offline';

  async analyze(input: SocialProfileInput): Promise<SocialAnalysis> {
    const captions = (input.pasted.captions ?? []).filter((c) => c.trim());
    const bio = input.pasted.bio?.trim() ?? '';
    const all = [bio, ...captions].join('\n');
    if (words(all).length < 5) {
      throw new AnalysisInputError(`Nothing to analyse for @${input.handle}: paste the profile's bio and a few recent captions (at least a sentence) with PUT /brandkit/api/socials/${input.platform}`);
    }
    const basedOn: string[] = [`${captions.length} caption(s) and ${bio ? 'the bio' : 'no bio'} of @${input.handle} on ${input.platform}, ${words(all).length} words`];

    // Tone.
    const sentences = all.split(/[.!?\n]+/).filter((s) => s.trim()).length || 1;
    const exclaims = (all.match(/!/g) ?? []).length;
    const questions = (all.match(/\?/g) ?? []).length;
    const emoji = (all.match(EMOJI) ?? []).length;
    const tokens = words(all);
    const youWe = tokens.filter((w) => ['you', 'your', 'we', 'our', 'us'].includes(w)).length;
    const avgLen = tokens.reduce((n, w) => n + w.length, 0) / tokens.length;
    const pos = tokens.filter((w) => POSITIVE.has(w)).length;
    const neg = tokens.filter((w) => NEGATIVE.has(w)).length;
    const calm = tokens.filter((w) => CALM.has(w)).length;
    const tone: string[] = [];
    if (exclaims / sentences >= 0.3 || emoji / sentences >= 0.5) tone.push('energetic');
    if (pos > neg * 2 && pos > 0) tone.push('positive');
    if (neg > pos) tone.push('critical');
    if (youWe / tokens.length >= 0.04) tone.push('conversational');
    if (questions / sentences >= 0.2) tone.push('inquisitive');
    if (calm > 0 && exclaims / sentences < 0.3) tone.push('calm');
    if (avgLen >= 5.5 && emoji === 0) tone.push('formal');
    else if (avgLen < 4.5 || /\b(lol|omg|gonna|wanna|yay)\b/i.test(all)) tone.push('casual');
    if (!tone.length) tone.push('neutral');
    basedOn.push(`tone from ${exclaims} exclamation mark(s), ${questions} question(s), ${emoji} emoji over ${sentences} sentence(s); ${pos} positive and ${neg} negative word(s); ${youWe} you/we word(s); average word length ${avgLen.toFixed(1)}`);

    // Themes: hashtags first (the author's own labels), then frequent content words.
    const hashtags = [...all.matchAll(HASHTAG)].map((m) => m[1].toLowerCase());
    const counts = new Map<string, { n: number; word: string }>();
    for (const w of tokens) {
      if (w.length < 4 || STOPWORDS.has(w)) continue;
      const s = stem(w);
      const c = counts.get(s) ?? { n: 0, word: w };
      c.n += 1;
      counts.set(s, c);
    }
    const tagCounts = new Map<string, number>();
    for (const h of hashtags) tagCounts.set(h, (tagCounts.get(h) ?? 0) + 1);
    const topTags = [...tagCounts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([h]) => h);
    const topWords = [...counts.values()].filter((c) => c.n >= 2).sort((a, b) => b.n - a.n).slice(0, 8).map((c) => c.word);
    const themes = [...new Set([...topTags, ...topWords])].slice(0, 8);
    if (topTags.length) basedOn.push(`hashtags: ${topTags.map((h) => `#${h}`).join(', ')}`);
    if (topWords.length) basedOn.push(`most repeated words: ${topWords.map((w) => `${w} (${counts.get(stem(w))!.n}×)`).join(', ')}`);

    // Values: value words in the text; archetype from values, themes and the bio.
    const foundValues = [...new Set(tokens.map((w) => VALUE_STEMS.get(stem(w))).filter((v): v is string => !!v))];
    const ranked = suggestArchetypes([...foundValues, ...themes, ...hashtags], all);
    const archetype = ranked[0].archetype;
    basedOn.push(ranked[0].score > 0
      ? `archetype ${ARCHETYPE_INFO[archetype].label} from the words ${ranked[0].matched.slice(0, 8).join(', ')}`
      : 'archetype: no word pointed at one, so the most general (The Innocent) is suggested; set it yourself in the identity step');
    const suggestedValues = foundValues.length ? foundValues.slice(0, 5) : ARCHETYPE_INFO[archetype].keywords.slice(0, 3);
    basedOn.push(foundValues.length ? `values named in the text: ${foundValues.join(', ')}` : `no value words in the text: values typical of ${ARCHETYPE_INFO[archetype].label}`);

    // Colours.
    const named = [...new Set(tokens.filter((w) => COLOR_WORDS[w]))];
    const colors = named.length ? named.slice(0, 4).map((w) => COLOR_WORDS[w]) : ARCHETYPE_COLORS[archetype];
    basedOn.push(named.length ? `colours named: ${named.slice(0, 4).join(', ')}` : `no colours named: the usual colours of ${ARCHETYPE_INFO[archetype].label}`);

    return { analyzer: this.name, tone: tone.slice(0, 5), themes, suggested_values: suggestedValues, archetype, colors, based_on: basedOn };
  }
}
