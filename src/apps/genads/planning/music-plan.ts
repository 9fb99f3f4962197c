import type { MusicPlan, PerfumeGender } from '../pipeline/types.js';
import type { CreativeConcept } from './concepts.js';
import { GENDER_MOODS, type StyleDefinition } from './styles.js';

export interface MusicPlanInput {
  style: StyleDefinition;
  gender: PerfumeGender;
  concept: CreativeConcept;
  variationIndex: number;
  /** Same for every variation of a campaign: which harmony variation 0 starts from. */
  campaignSeed: number;
  /** This variation's seed. */
  seed: number;
  /** 0-1, a little seeded jitter on the tempo. */
  jitter: number;
}

/**
 * The music for one variation. The gender sets the harmonic colour and tempo range (seed 000:
 * "gender-aware prompts"), the concept sets where in that range it sits and its texture, the
 * style sets the instruments. Consecutive variations take consecutive harmonies, so no two
 * variations of a campaign share a key and progression. The prompt spells out tempo, key and
 * chords because MusicGen follows them reasonably well, and the local synthesiser uses the
 * structured fields directly.
 */
export function planMusic(p: MusicPlanInput): MusicPlan {
  const g = GENDER_MOODS[p.gender];
  const harmony = g.harmonies[(p.campaignSeed + p.variationIndex) % g.harmonies.length];
  const tempo = Math.min(1, Math.max(0, p.concept.music.tempo + (p.jitter - 0.5) * 0.12));
  const bpm = Math.round(g.bpm[0] + (g.bpm[1] - g.bpm[0]) * tempo);
  const pace = tempo < 0.35 ? 'slow' : tempo < 0.6 ? 'flowing' : 'uplifting';
  const mood = [...new Set([g.musicMoods[p.variationIndex % g.musicMoods.length], p.concept.moodWords[0], pace])].join(', ');
  const prompt = [
    `${mood} instrumental score for a luxury perfume commercial`,
    p.concept.music.texture,
    p.style.instruments,
    `${bpm} bpm, ${harmony.key.root} ${harmony.key.mode}, chord progression ${harmony.progression.join(' - ')}`,
    'cinematic and polished, no vocals, gentle intro, smooth ending',
  ].join(', ');
  return { mood, key: { ...harmony.key }, bpm, progression: [...harmony.progression], prompt, seed: p.seed };
}
