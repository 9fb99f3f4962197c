/**
 * The twelve brand archetypes and the words that point at each. A suggestion scores every
 * archetype by the words of the brand's values and audience (stems, so "adventurous" meets
 * "adventure") and says which words decided it, so the user sees why, not just what.
 */
export const ARCHETYPES = [
  'innocent', 'everyman', 'hero', 'outlaw', 'explorer', 'creator',
  'ruler', 'magician', 'lover', 'caregiver', 'jester', 'sage',
] as const;
export type Archetype = (typeof ARCHETYPES)[number];

export const ARCHETYPE_INFO: Record<Archetype, { label: string; motto: string; keywords: string[] }> = {
  innocent: { label: 'The Innocent', motto: 'Free to be you and me', keywords: ['pure', 'simple', 'honest', 'natural', 'organic', 'clean', 'optimism', 'optimistic', 'happy', 'wholesome', 'trust', 'kind', 'gentle', 'fresh', 'safe', 'children', 'family'] },
  everyman: { label: 'The Everyman', motto: 'All men and women are created equal', keywords: ['friendly', 'down-to-earth', 'practical', 'affordable', 'belonging', 'community', 'everyday', 'relatable', 'reliable', 'genuine', 'equal', 'inclusive', 'neighbour', 'neighbor', 'local', 'honest'] },
  hero: { label: 'The Hero', motto: 'Where there is a will, there is a way', keywords: ['courage', 'brave', 'strength', 'strong', 'performance', 'athlete', 'athletes', 'sport', 'fitness', 'win', 'winning', 'achieve', 'achievement', 'mastery', 'discipline', 'determination', 'challenge', 'competitive'] },
  outlaw: { label: 'The Outlaw', motto: 'Rules are meant to be broken', keywords: ['rebel', 'rebellious', 'disrupt', 'disruptive', 'bold', 'edgy', 'freedom', 'revolution', 'radical', 'unconventional', 'raw', 'wild', 'underground', 'defiant', 'punk', 'street'] },
  explorer: { label: 'The Explorer', motto: 'Don\'t fence me in', keywords: ['adventure', 'adventurous', 'discover', 'discovery', 'travel', 'traveler', 'travellers', 'outdoor', 'outdoors', 'freedom', 'independent', 'journey', 'explore', 'nature', 'authentic', 'wander', 'hiking'] },
  creator: { label: 'The Creator', motto: 'If it can be imagined, it can be created', keywords: ['creative', 'creativity', 'innovation', 'innovative', 'imagination', 'design', 'designers', 'artist', 'artists', 'craft', 'handmade', 'original', 'expression', 'build', 'makers', 'art', 'vision'] },
  ruler: { label: 'The Ruler', motto: 'Power isn\'t everything, it\'s the only thing', keywords: ['luxury', 'premium', 'exclusive', 'control', 'leadership', 'leader', 'leaders', 'prestige', 'quality', 'stability', 'order', 'executive', 'executives', 'professional', 'professionals', 'elite', 'success', 'wealth'] },
  magician: { label: 'The Magician', motto: 'I make things happen', keywords: ['transform', 'transformation', 'transformative', 'magic', 'magical', 'vision', 'visionary', 'wonder', 'spiritual', 'wellness', 'holistic', 'dream', 'dreams', 'imagine', 'science', 'technology', 'future'] },
  lover: { label: 'The Lover', motto: 'You\'re the only one', keywords: ['passion', 'passionate', 'love', 'romance', 'romantic', 'beauty', 'beautiful', 'sensual', 'intimate', 'elegant', 'elegance', 'indulgent', 'indulgence', 'pleasure', 'desire', 'couples', 'women', 'glamour'] },
  caregiver: { label: 'The Caregiver', motto: 'Love your neighbour as yourself', keywords: ['care', 'caring', 'compassion', 'compassionate', 'nurture', 'support', 'supportive', 'protect', 'protection', 'health', 'healthy', 'service', 'generous', 'parents', 'mothers', 'moms', 'patients', 'wellbeing', 'sustainable', 'sustainability'] },
  jester: { label: 'The Jester', motto: 'You only live once', keywords: ['fun', 'funny', 'playful', 'humor', 'humour', 'joy', 'joyful', 'laugh', 'entertaining', 'lighthearted', 'party', 'silly', 'witty', 'quirky', 'colorful', 'colourful', 'teens', 'kids'] },
  sage: { label: 'The Sage', motto: 'The truth will set you free', keywords: ['wisdom', 'wise', 'knowledge', 'truth', 'expert', 'expertise', 'research', 'learn', 'learning', 'education', 'educational', 'insight', 'intelligence', 'thoughtful', 'mindful', 'students', 'teachers', 'analytical', 'clarity'] },
};

export function isArchetype(value: string): value is Archetype {
  return (ARCHETYPES as readonly string[]).includes(value);
}

/** Lower-case words of a text, apostrophes and hyphens kept inside words. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z][a-z'-]*[a-z]|[a-z]/g) ?? [];
}

/** A crude English stem: enough to let "adventurous", "adventures" and "adventure" meet. */
export function stem(word: string): string {
  return word.replace(/(ousness|iveness|fulness|ations|ation|ities|ity|ness|ment|ously|ous|ive|ful|ing|ers|er|ies|es|s|ly|al|ic|y)$/, '').replace(/(.)\1$/, '$1') || word;
}

const STEMMED: Record<Archetype, Map<string, string>> = Object.fromEntries(
  ARCHETYPES.map((a) => [a, new Map(ARCHETYPE_INFO[a].keywords.map((k) => [stem(k), k]))]),
) as Record<Archetype, Map<string, string>>;

export interface ArchetypeSuggestion {
  archetype: Archetype;
  label: string;
  score: number;
  /** The words of the input that point at this archetype. */
  matched: string[];
}

/**
 * Rank the archetypes for these values and audience. Values weigh twice the audience (they say
 * who the brand is; the audience says whom it speaks to). Ties keep the canonical order. Input
 * with no recognised word answers every archetype with score 0, the caller says so.
 */
export function suggestArchetypes(values: string[], audience = ''): ArchetypeSuggestion[] {
  const weighted: Array<[string, number]> = [
    ...values.flatMap((v) => words(v).map((w): [string, number] => [w, 2])),
    ...words(audience).map((w): [string, number] => [w, 1]),
  ];
  const ranked = ARCHETYPES.map((archetype) => {
    const matched = new Set<string>();
    let score = 0;
    for (const [w, weight] of weighted) {
      if (STEMMED[archetype].has(stem(w))) {
        score += weight;
        matched.add(w);
      }
    }
    return { archetype, label: ARCHETYPE_INFO[archetype].label, score, matched: [...matched] };
  });
  return ranked.sort((a, b) => b.score - a.score || ARCHETYPES.indexOf(a.archetype) - ARCHETYPES.indexOf(b.archetype));
}
