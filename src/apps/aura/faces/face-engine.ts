/** A face found in a photo, in the photo's own pixel coordinates. */
export interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
  /** The recognition net's 128-d embedding, as the model gives it (not normalised). */
  descriptor: Float32Array;
  /** The detector's confidence, 0-1. */
  score: number;
  /** How useful the face is for matching, 0-1: score × size × sharpness (face-quality.ts). */
  quality: number;
}

/**
 * Finds faces and their embeddings in an image. The offline implementation runs face-api on
 * the tfjs WASM backend (face-api-engine.ts); a hosted one would sit behind the same shape.
 */
export interface FaceEngine {
  readonly name: string;
  /** Faces in an encoded image (JPEG, PNG, WebP…), strongest first. Throws on an undecodable image. */
  detect(image: Buffer): Promise<DetectedFace[]>;
}

/** The embedding's length: face-api's recognition net (a ResNet-34 like dlib's). */
export const DESCRIPTOR_LENGTH = 128;
