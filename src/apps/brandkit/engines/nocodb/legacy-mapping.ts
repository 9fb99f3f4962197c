import { readHex } from '../colour.js';
import type { PaletteEntry } from '../brand-input.js';
import type { NocoRow } from './nocodb-reader.js';

/**
 * Pure mapping from the legacy NocoDB wizard tables' rows to brand fields. The two tables
 * grew by hand, so columns are found by any of their known spellings (case, spaces and
 * underscores ignored), values arrive as JSON strings, comma lists or plain text, and a value
 * that cannot be used (a colour that is not a colour, an unknown status) is left out and
 * listed in `problems` instead of failing the row.
 *
 * - "Wizard Data V2": session_id, email, brand_name, brand_description, vision, colors
 *   (JSON `[{hex, role}]` or "#hex:role, …"), fonts (JSON `{heading, body}` or "A / B"),
 *   logo_style, archetype, brand_values, target_audience, label_design, step_url,
 *   wizard_step, status, logo_url, mockup_urls, UpdatedAt.
 * - "wizard_database" (the original): Session ID, Email, Brand Name, Description, Vision,
 *   Primary/Secondary/Accent Color, Font, Logo Style, Archetype, Values, Audience, Step, Logo,
 *   updated_at.
 *
 * Interface: `LEGACY_TABLES`, `LegacyBrand`, `BrandFields`, `mapWizardV2Row`,
 * `mapWizardDatabaseRow`, `mapLegacyRow(table, row)`.
 */

export const LEGACY_TABLES = { v2: 'Wizard Data V2', original: 'wizard_database' } as const;
export type LegacyTable = (typeof LEGACY_TABLES)[keyof typeof LEGACY_TABLES];

export interface BrandFields {
  name?: string;
  description?: string;
  vision?: string;
  color_palette?: PaletteEntry[];
  fonts?: { heading?: string; body?: string };
  logo_style?: string;
  brand_archetype?: string;
  brand_values?: string[];
  target_audience?: string;
  label_design?: string;
  step_url?: string;
  wizard_step?: number;
  status?: 'draft' | 'in_progress' | 'submitted' | 'published';
}

export interface LegacyBrand {
  table: LegacyTable;
  /** The row's NocoDB Id. */
  rowId: string;
  /** The wizard session id (the seed's brand id), when the row has one. */
  sessionId: string | null;
  email: string | null;
  fields: BrandFields;
  assets: { logoUrls: string[]; mockupUrls: string[] };
  /** When the row was last written (UpdatedAt, else CreatedAt); null when it says neither. */
  updatedAt: Date | null;
  /** Values left out, and why. */
  problems: string[];
}

const ARCHETYPES = ['innocent', 'everyman', 'hero', 'outlaw', 'explorer', 'creator', 'ruler', 'magician', 'lover', 'caregiver', 'jester', 'sage'];
const STATUSES = ['draft', 'in_progress', 'submitted', 'published'] as const;
const ROLES = ['primary', 'secondary', 'accent', 'neutral', 'background'];

const norm = (k: string) => k.toLowerCase().replace(/[\s_-]+/g, '');

/** The first non-empty value among the column spellings. */
function pick(row: NocoRow, ...names: string[]): unknown {
  const wanted = names.map(norm);
  for (const want of wanted) {
    for (const [k, v] of Object.entries(row)) {
      if (norm(k) === want && v !== null && v !== undefined && v !== '') return v;
    }
  }
  return undefined;
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v)).trim();
  return s ? s : undefined;
}

function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (!/^[[{]/.test(s)) return v;
  try {
    return JSON.parse(s);
  } catch {
    return v;
  }
}

function list(v: unknown): string[] {
  const j = json(v);
  if (Array.isArray(j)) return j.map((x) => text(x)).filter((x): x is string => !!x);
  const s = text(j);
  return s ? s.split(/[,;\n]+/).map((x) => x.trim()).filter(Boolean) : [];
}

function urls(v: unknown): string[] {
  const j = json(v);
  // NocoDB attachment columns: [{url, title, mimetype}] (or {path} on local storage).
  if (Array.isArray(j) && j.some((x) => x && typeof x === 'object')) return j.map((x) => text((x as { url?: unknown; signedUrl?: unknown }).url ?? (x as { signedUrl?: unknown }).signedUrl)).filter((x): x is string => !!x && /^https?:\/\//.test(x));
  return list(j).filter((x) => /^https?:\/\//.test(x));
}

function date(v: unknown): Date | null {
  const s = text(v);
  if (!s) return null;
  const d = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(s) && !/[zZ+]/.test(s.slice(10)) ? `${s.replace(' ', 'T')}Z` : s);
  return Number.isNaN(d.getTime()) ? null : d;
}

function palette(v: unknown, problems: string[]): PaletteEntry[] | undefined {
  const j = json(v);
  const raw: Array<{ hex: unknown; role: unknown }> = Array.isArray(j)
    ? j.map((x, i) => (typeof x === 'string' ? { hex: x, role: ROLES[i] ?? 'accent' } : { hex: (x as { hex?: unknown; color?: unknown }).hex ?? (x as { color?: unknown }).color, role: (x as { role?: unknown }).role ?? ROLES[i] ?? 'accent' }))
    : list(j).map((item, i) => {
        const [hex, role] = item.split(':').map((s) => s.trim());
        return { hex, role: role || ROLES[i] || 'accent' };
      });
  const out: PaletteEntry[] = [];
  for (const { hex, role } of raw) {
    const h = readHex(String(hex ?? ''));
    const r = String(role ?? '').toLowerCase();
    if (!h) problems.push(`colour "${String(hex)}" is not a hex colour: left out`);
    else out.push({ hex: h, role: ROLES.includes(r) ? r : 'accent' });
  }
  return out.length ? out : undefined;
}

function archetype(v: unknown, problems: string[]): string | undefined {
  const s = text(v)?.toLowerCase().replace(/^the\s+/, '');
  if (!s) return undefined;
  if (ARCHETYPES.includes(s)) return s;
  problems.push(`archetype "${text(v)}" is not one of the twelve: left out`);
  return undefined;
}

function status(v: unknown, problems: string[]): BrandFields['status'] {
  const s = text(v)?.toLowerCase().replace(/[\s-]+/g, '_');
  if (!s) return undefined;
  if ((STATUSES as readonly string[]).includes(s)) return s as BrandFields['status'];
  if (s === 'complete' || s === 'completed' || s === 'done') return 'submitted';
  problems.push(`status "${text(v)}" is unknown: left out`);
  return undefined;
}

function step(v: unknown, problems: string[]): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (Number.isInteger(n) && n >= 0 && n <= 100) return n;
  problems.push(`wizard step "${text(v)}" is not a step number: left out`);
  return undefined;
}

function fonts(v: unknown): BrandFields['fonts'] {
  const j = json(v);
  if (j && typeof j === 'object' && !Array.isArray(j)) {
    const o = j as { heading?: unknown; body?: unknown; primary?: unknown; secondary?: unknown };
    const f = { heading: text(o.heading ?? o.primary), body: text(o.body ?? o.secondary) };
    return f.heading || f.body ? f : undefined;
  }
  const parts = list(typeof j === 'string' ? j.replace(/\s+\/\s+|\s+&\s+/g, ',') : j);
  return parts.length ? { heading: parts[0], body: parts[1] ?? parts[0] } : undefined;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}

function common(table: LegacyTable, row: NocoRow, problems: string[]) {
  const email = text(pick(row, 'email', 'user_email', 'e-mail'))?.toLowerCase() ?? null;
  return {
    table,
    rowId: text(pick(row, 'Id', 'id')) ?? '',
    sessionId: text(pick(row, 'session_id', 'sessionId', 'Session ID', 'session', 'brand_id')) ?? null,
    email: email && /^[^@\s]+@[^@\s]+$/.test(email) ? email : (email && problems.push(`email "${email}" is not an email: left out`), null),
    updatedAt: date(pick(row, 'UpdatedAt', 'updated_at', 'Updated At', 'last_modified')) ?? date(pick(row, 'CreatedAt', 'created_at', 'Created At')),
  };
}

export function mapWizardV2Row(row: NocoRow): LegacyBrand {
  const problems: string[] = [];
  const base = common(LEGACY_TABLES.v2, row, problems);
  const fields: BrandFields = clean({
    name: text(pick(row, 'brand_name', 'name')),
    description: text(pick(row, 'brand_description', 'description')),
    vision: text(pick(row, 'vision', 'brand_vision')),
    color_palette: palette(pick(row, 'colors', 'color_palette', 'palette'), problems),
    fonts: fonts(pick(row, 'fonts', 'typography')),
    logo_style: text(pick(row, 'logo_style')),
    brand_archetype: archetype(pick(row, 'archetype', 'brand_archetype'), problems),
    brand_values: list(pick(row, 'brand_values', 'values')),
    target_audience: text(pick(row, 'target_audience', 'audience')),
    label_design: text(pick(row, 'label_design')),
    step_url: text(pick(row, 'step_url', 'resume_url')),
    wizard_step: step(pick(row, 'wizard_step', 'step'), problems),
    status: status(pick(row, 'status'), problems),
  });
  return { ...base, fields, assets: { logoUrls: urls(pick(row, 'logo_url', 'logo', 'logos')), mockupUrls: urls(pick(row, 'mockup_urls', 'mockups')) }, problems };
}

export function mapWizardDatabaseRow(row: NocoRow): LegacyBrand {
  const problems: string[] = [];
  const base = common(LEGACY_TABLES.original, row, problems);
  const colours = (
    [
      ['primary', pick(row, 'Primary Color', 'primary_color', 'color1')],
      ['secondary', pick(row, 'Secondary Color', 'secondary_color', 'color2')],
      ['accent', pick(row, 'Accent Color', 'accent_color', 'color3')],
    ] as const
  )
    .filter(([, v]) => v !== undefined)
    .map(([role, v]) => `${text(v)}:${role}`)
    .join(',');
  const font = text(pick(row, 'Font', 'fonts', 'font_family'));
  const fields: BrandFields = clean({
    name: text(pick(row, 'Brand Name', 'brand', 'name')),
    description: text(pick(row, 'Description', 'brand_description')),
    vision: text(pick(row, 'Vision')),
    color_palette: colours ? palette(colours, problems) : palette(pick(row, 'colors'), problems),
    fonts: font ? fonts(font) : undefined,
    logo_style: text(pick(row, 'Logo Style', 'logo_type')),
    brand_archetype: archetype(pick(row, 'Archetype', 'personality'), problems),
    brand_values: list(pick(row, 'Values', 'brand_values')),
    target_audience: text(pick(row, 'Audience', 'Target Audience', 'target_audience')),
    label_design: text(pick(row, 'Label Design', 'label')),
    wizard_step: step(pick(row, 'Step', 'wizard_step', 'current_step'), problems),
    status: status(pick(row, 'Status'), problems),
  });
  return { ...base, fields, assets: { logoUrls: urls(pick(row, 'Logo', 'logo_url', 'Logo URL')), mockupUrls: urls(pick(row, 'Mockups', 'mockup_urls')) }, problems };
}

export function mapLegacyRow(table: LegacyTable, row: NocoRow): LegacyBrand {
  return table === LEGACY_TABLES.v2 ? mapWizardV2Row(row) : mapWizardDatabaseRow(row);
}
