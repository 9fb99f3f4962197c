/**
 * Chord symbols as planners write them ("Am9", "Fmaj7", "Csus2", "Ebmaj7", "F#m", "C/E")
 * turned into pitch classes for the music synthesiser. Unknown suffixes fall back to the
 * triad they start with rather than failing: a slightly wrong chord beats no music.
 */

export interface Chord {
  symbol: string;
  /** Pitch class of the root, 0 = C … 11 = B. */
  root: number;
  /** Semitones above the root, ascending, starting with 0. */
  intervals: number[];
  /** Pitch class of the bass note (the root unless a slash chord). */
  bass: number;
}

const NOTE_CLASSES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Suffixes, longest first so "maj7" wins over "m". */
const QUALITIES: [string[], number[]][] = [
  [['m7b5', 'min7b5', 'ø', 'ø7'], [0, 3, 6, 10]],
  [['maj13', 'M13'], [0, 4, 7, 11, 14, 21]],
  [['maj11', 'M11'], [0, 4, 7, 11, 14, 17]],
  [['maj9', 'M9', 'Δ9'], [0, 4, 7, 11, 14]],
  [['maj7', 'M7', 'Δ7', 'Δ', 'ma7'], [0, 4, 7, 11]],
  [['mmaj7', 'm(maj7)', 'mM7', 'minmaj7'], [0, 3, 7, 11]],
  [['m13', 'min13', '-13'], [0, 3, 7, 10, 14, 21]],
  [['m11', 'min11', '-11'], [0, 3, 7, 10, 14, 17]],
  [['m9', 'min9', '-9'], [0, 3, 7, 10, 14]],
  [['m7', 'min7', '-7'], [0, 3, 7, 10]],
  [['m6', 'min6', '-6'], [0, 3, 7, 9]],
  [['madd9', 'm(add9)', 'minadd9'], [0, 3, 7, 14]],
  [['7sus4', '7sus'], [0, 5, 7, 10]],
  [['sus2'], [0, 2, 7]],
  [['sus4', 'sus'], [0, 5, 7]],
  [['dim7', '°7', 'o7'], [0, 3, 6, 9]],
  [['dim', '°', 'o'], [0, 3, 6]],
  [['aug', '+'], [0, 4, 8]],
  [['add9', '(add9)', 'add2'], [0, 4, 7, 14]],
  [['13'], [0, 4, 7, 10, 14, 21]],
  [['11'], [0, 4, 7, 10, 14, 17]],
  [['9'], [0, 4, 7, 10, 14]],
  [['7'], [0, 4, 7, 10]],
  [['6/9', '69'], [0, 4, 7, 9, 14]],
  [['6'], [0, 4, 7, 9]],
  [['5'], [0, 7, 12]],
  [['min', 'm', '-'], [0, 3, 7]],
  [['maj', 'M', ''], [0, 4, 7]],
];

function noteClass(letter: string, accidental: string): number {
  const base = NOTE_CLASSES[letter.toUpperCase()];
  const shift = accidental === '#' || accidental === '♯' ? 1 : accidental === 'b' || accidental === '♭' ? -1 : 0;
  return (base + shift + 12) % 12;
}

/** Parses one chord symbol; null when it does not start with a note name. */
export function parseChord(symbol: string): Chord | null {
  const text = symbol.trim();
  const m = /^([A-Ga-g])([#b♯♭]?)(.*)$/.exec(text);
  if (!m) return null;
  const root = noteClass(m[1], m[2]);
  let rest = m[3];
  let bass = root;
  const slash = /\/([A-G])([#b♯♭]?)$/.exec(rest);
  if (slash && rest !== '6/9') {
    bass = noteClass(slash[1], slash[2]);
    rest = rest.slice(0, slash.index);
  }
  for (const [names, intervals] of QUALITIES) {
    if (names.includes(rest)) return { symbol: text, root, intervals, bass };
  }
  // Unknown extension ("m7#11", "maj7(b5)…"): keep the triad it starts with.
  const minor = /^(m(?!aj)|min|-)/.test(rest);
  return { symbol: text, root, intervals: minor ? [0, 3, 7] : [0, 4, 7], bass };
}

/** Parses a key root such as "A", "F#", "Eb"; C when unreadable. */
export function parseKeyRoot(root: string): number {
  const m = /^([A-Ga-g])([#b♯♭]?)/.exec(root.trim());
  return m ? noteClass(m[1], m[2]) : 0;
}

/** The progression to play: the plan's chords, or a stock one in the plan's key when none parse. */
export function progressionOf(symbols: string[], key: { root: string; mode: 'major' | 'minor' }): Chord[] {
  const parsed = symbols.map(parseChord).filter((c): c is Chord => c !== null);
  if (parsed.length) return parsed;
  const tonic = parseKeyRoot(key.root);
  // i - VI - III - VII (minor) or I - V - vi - IV (major): the progressions of a thousand ads.
  const degrees: [number, number[]][] =
    key.mode === 'minor'
      ? [[0, [0, 3, 7, 10]], [8, [0, 4, 7, 11]], [3, [0, 4, 7, 11]], [10, [0, 4, 7]]]
      : [[0, [0, 4, 7, 11]], [7, [0, 4, 7]], [9, [0, 3, 7, 10]], [5, [0, 4, 7, 11]]];
  return degrees.map(([offset, intervals]) => {
    const root = (tonic + offset) % 12;
    return { symbol: '', root, intervals, bass: root };
  });
}
