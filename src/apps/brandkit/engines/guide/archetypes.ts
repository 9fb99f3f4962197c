/**
 * The twelve brand archetypes with the one-line meaning and voice the brand guide prints.
 * Keys are the lower-case names the wizard stores in brands.brand_archetype.
 *
 * Interface: `ARCHETYPES` (key → { name, meaning, voice }), `archetypeInfo(key)`.
 */

export const ARCHETYPES = {
  innocent: { name: 'The Innocent', meaning: 'Optimism, simplicity and honesty: the brand that makes life feel good and uncomplicated.', voice: 'Warm, plain-spoken, hopeful.' },
  everyman: { name: 'The Everyman', meaning: 'Belonging and down-to-earth reliability: a brand for everyone, without pretence.', voice: 'Friendly, practical, unpretentious.' },
  hero: { name: 'The Hero', meaning: 'Courage and mastery: the brand that helps people rise to a challenge.', voice: 'Confident, direct, motivating.' },
  outlaw: { name: 'The Outlaw', meaning: 'Disruption and freedom from convention: the brand that breaks the rules.', voice: 'Bold, provocative, raw.' },
  explorer: { name: 'The Explorer', meaning: 'Discovery and independence: the brand for those who seek new ground.', voice: 'Adventurous, open, authentic.' },
  creator: { name: 'The Creator', meaning: 'Imagination and craft: the brand that helps people make something of their own.', voice: 'Inventive, expressive, precise.' },
  ruler: { name: 'The Ruler', meaning: 'Control, order and prestige: the brand that leads and sets the standard.', voice: 'Authoritative, refined, assured.' },
  magician: { name: 'The Magician', meaning: 'Transformation: the brand that makes the extraordinary happen.', voice: 'Visionary, evocative, charismatic.' },
  lover: { name: 'The Lover', meaning: 'Intimacy, beauty and pleasure: the brand of sensory delight and connection.', voice: 'Sensual, warm, indulgent.' },
  caregiver: { name: 'The Caregiver', meaning: 'Service and protection: the brand that looks after people.', voice: 'Caring, reassuring, generous.' },
  jester: { name: 'The Jester', meaning: 'Joy and humour: the brand that lightens the moment.', voice: 'Playful, witty, irreverent.' },
  sage: { name: 'The Sage', meaning: 'Wisdom and truth: the brand that helps people understand.', voice: 'Knowledgeable, calm, thoughtful.' },
} as const;

export type Archetype = keyof typeof ARCHETYPES;

export function archetypeInfo(key: string | null | undefined): (typeof ARCHETYPES)[Archetype] | null {
  if (!key) return null;
  const k = key.toLowerCase().replace(/^the\s+/, '').trim() as Archetype;
  return ARCHETYPES[k] ?? null;
}
