import { unprocessable } from '../../../platform/errors.js';
import type { DetectedFace } from './face-engine.js';

/**
 * The one face of a selfie: a search by a photo needs exactly one person in it, or it would
 * silently search for whoever the detector ranked first. 422 NO_FACE or SEVERAL_FACES otherwise,
 * the same for the server's searches and the sync agent's offline one.
 */
export function theOneFace(faces: readonly DetectedFace[]): DetectedFace {
  if (faces.length === 0) throw unprocessable('No face was found in the photo: take a selfie facing the camera, in good light', 'NO_FACE');
  if (faces.length > 1) throw unprocessable(`The photo shows ${faces.length} faces: choose a photo with only your face`, 'SEVERAL_FACES');
  return faces[0]!;
}
