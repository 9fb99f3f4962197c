import type { Config } from '../../../platform/config/config.js';
import { auraSettings } from '../config.js';
import type { FaceEngine } from './face-engine.js';
import { FaceApiEngine } from './face-api-engine.js';

const engines = new WeakMap<object, FaceEngine>();

/** The process's face engine for this configuration (the models themselves load once per process). */
export function faceEngineFor(config: Pick<Config, 'variables'>): FaceEngine {
  let engine = engines.get(config.variables);
  if (!engine) {
    const c = auraSettings.load(config).faces;
    engine = new FaceApiEngine({ maxSide: c.detectMaxSide, minScore: c.minScore, maxFaces: 100 });
    engines.set(config.variables, engine);
  }
  return engine;
}
