import { badRequest } from '../errors.js';

/**
 * What an upload may be. Types are checked against the file's magic bytes (file-type),
 * never its name or the client's Content-Type, so a renamed executable is not an image.
 */
export interface UploadKind {
  name: string;
  maxBytes: number;
  /** Accepted MIME types as detected from the bytes; '*' accepts anything. */
  types: readonly string[] | '*';
  /**
   * Text formats have no magic bytes. When nothing is detected, the client's declared
   * Content-Type is accepted if it is one of these; otherwise the upload is refused
   * (or, for '*' kinds, stored as application/octet-stream).
   */
  textTypes?: readonly string[];
}

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** Apps register their own kinds (e.g. "genads.perfume-photo") next to the platform's. */
export class UploadKindRegistry {
  private readonly kinds = new Map<string, UploadKind>();

  register(kind: UploadKind): void {
    if (!NAME.test(kind.name)) throw new Error(`Upload kind name "${kind.name}" must match ${NAME}`);
    if (!(kind.maxBytes > 0)) throw new Error(`Upload kind "${kind.name}" needs a positive maxBytes`);
    if (this.kinds.has(kind.name)) throw new Error(`Upload kind "${kind.name}" is already registered`);
    this.kinds.set(kind.name, kind);
  }

  get(name: string): UploadKind {
    const kind = this.kinds.get(name);
    if (!kind) {
      throw badRequest(`Unknown upload kind "${name}": use one of ${[...this.kinds.keys()].join(', ')}`, undefined, 'UNKNOWN_UPLOAD_KIND');
    }
    return kind;
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic', 'image/tiff'] as const;
const TEXT_TYPES = ['text/plain', 'text/csv', 'text/markdown', 'application/json'] as const;

export function defaultUploadKinds(uploadMaxBytes: number): UploadKind[] {
  return [
    { name: 'file', maxBytes: uploadMaxBytes, types: '*', textTypes: TEXT_TYPES },
    { name: 'image', maxBytes: Math.min(uploadMaxBytes, 50 * 1024 ** 2), types: IMAGE_TYPES },
    {
      name: 'document',
      maxBytes: Math.min(uploadMaxBytes, 100 * 1024 ** 2),
      types: ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      textTypes: ['text/plain', 'text/markdown'],
    },
  ];
}
