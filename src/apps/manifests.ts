import type { AppManifest, TenantryApp } from '../platform/apps.js';
import { visantManifest } from './visant/manifest.js';
import { genadsManifest } from './genads/manifest.js';
import { auraManifest } from './aura/manifest.js';
import { socialManifest } from './social/manifest.js';
import { brandkitManifest } from './brandkit/manifest.js';

/**
 * Every app this build ships, in order, without importing any of them: what the CLI reads
 * first, so a command loads only the apps it runs (index.ts loads them all at once).
 */
export const appManifests: AppManifest[] = [visantManifest, genadsManifest, auraManifest, socialManifest, brandkitManifest];

/** The apps themselves, in the manifests' order. */
export function loadApps(manifests: readonly AppManifest[] = appManifests): Promise<TenantryApp[]> {
  return Promise.all(manifests.map((m) => m.load()));
}
