import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { unprocessable } from '../../../platform/errors.js';
import type { DetectedFace, FaceEngine } from './face-engine.js';
import { faceQuality } from './face-quality.js';

type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.node-wasm.js');
type Tf = typeof import('@tensorflow/tfjs');

const require = createRequire(import.meta.url);

export interface FaceApiEngineOptions {
  /** Longest side the photo is scaled to before detection (the detector reads 512 px anyway). */
  maxSide: number;
  /** Detector confidence below which a box is not a face. */
  minScore: number;
  /** At most this many faces per photo (a crowd shot), strongest first. */
  maxFaces: number;
}

export const DEFAULT_FACE_API_OPTIONS: FaceApiEngineOptions = { maxSide: 1024, minScore: 0.5, maxFaces: 100 };

interface Loaded {
  faceapi: FaceApi;
  tf: Tf;
}

let loading: Promise<Loaded> | null = null;

/**
 * The models are loaded once per process, on first use: a server that never detects faces
 * never pays for them. Everything comes from node_modules (no network at run time): the WASM
 * binaries from tfjs-backend-wasm's dist/ and the weights from face-api's model/.
 */
function loadModels(): Promise<Loaded> {
  loading ??= (async () => {
    // One tfjs instance: face-api's node-wasm build requires this same '@tensorflow/tfjs'.
    const tf = require('@tensorflow/tfjs') as Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`);
    await tf.setBackend('wasm');
    await tf.ready();
    const models = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
    return { faceapi, tf };
  })().catch((err: unknown) => {
    loading = null; // a later call may try again (e.g. after a transient file error)
    throw err;
  });
  return loading;
}

/** face-api (SSD MobileNet v1 + 68 landmarks + recognition net) on the tfjs WASM backend. */
export class FaceApiEngine implements FaceEngine {
  readonly name = 'face-api-wasm';
  constructor(private readonly options: FaceApiEngineOptions = DEFAULT_FACE_API_OPTIONS) {}

  /** Load the models now rather than on the first photo (a worker at start, a benchmark). */
  async warmUp(): Promise<void> {
    await loadModels();
  }

  async detect(image: Buffer): Promise<DetectedFace[]> {
    const { faceapi, tf } = await loadModels();
    const { data, info, originalWidth, originalHeight } = await decodeForDetection(image, this.options.maxSide);
    const input = tf.tensor3d(data, [info.height, info.width, 3], 'int32');
    let found;
    try {
      found = await faceapi
        // face-api bundles its own copy of tfjs's types; the tensor is the same object at run time.
        .detectAllFaces(input as unknown as Parameters<FaceApi['detectAllFaces']>[0], new faceapi.SsdMobilenetv1Options({ minConfidence: this.options.minScore, maxResults: this.options.maxFaces }))
        .withFaceLandmarks()
        .withFaceDescriptors();
    } finally {
      input.dispose();
    }
    // Boxes come back in the scaled image's pixels: map them to the photo's own.
    const sx = originalWidth / info.width;
    const sy = originalHeight / info.height;
    const rgb = { data, width: info.width, height: info.height };
    const faces: DetectedFace[] = [];
    for (const f of found) {
      const b = f.detection.box;
      const x = Math.max(0, b.x);
      const y = Math.max(0, b.y);
      const scaled = { x, y, width: Math.min(b.width, info.width - x), height: Math.min(b.height, info.height - y) };
      const box = { x: scaled.x * sx, y: scaled.y * sy, width: scaled.width * sx, height: scaled.height * sy };
      if (box.width <= 0 || box.height <= 0) continue;
      faces.push({ box, descriptor: f.descriptor, score: f.detection.score, quality: await faceQuality(rgb, scaled, f.detection.score) });
    }
    return faces.sort((a, b) => b.score - a.score);
  }
}

/** Decode with sharp (EXIF-rotated, alpha dropped), scaled down to maxSide: raw RGB bytes. */
async function decodeForDetection(image: Buffer, maxSide: number) {
  let pipeline;
  let meta;
  try {
    pipeline = sharp(image, { failOn: 'error' }).rotate();
    meta = await pipeline.metadata();
  } catch {
    throw unprocessable('The image could not be read: send a JPEG, PNG or WebP photo', 'IMAGE_UNREADABLE');
  }
  if (!meta.width || !meta.height) throw unprocessable('The image has no size: send a JPEG, PNG or WebP photo', 'IMAGE_UNREADABLE');
  // EXIF orientations 5-8 swap width and height once rotated.
  const swapped = (meta.orientation ?? 1) >= 5;
  const originalWidth = swapped ? meta.height : meta.width;
  const originalHeight = swapped ? meta.width : meta.height;
  const { data, info } = await pipeline
    .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch(() => {
      throw unprocessable('The image could not be decoded: send a JPEG, PNG or WebP photo', 'IMAGE_UNREADABLE');
    });
  if (info.channels !== 3) throw unprocessable('The image\'s colours could not be read as RGB: send a JPEG, PNG or WebP photo', 'IMAGE_UNREADABLE');
  return { data, info, originalWidth, originalHeight };
}
