import { pipeline, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { HashingStream } from './hashing-stream.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import {
  contentDisposition,
  ObjectNotFoundError,
  type ByteRange,
  type GetResult,
  type ListEntry,
  type ObjectHead,
  type PresignGetOptions,
  type PutOptions,
  type PutResult,
  type StorageDriver,
} from './driver.js';

export interface S3DriverOptions {
  bucket: string;
  region: string;
  /** MinIO, R2, Supabase, s3rver…; undefined means AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Bodies larger than one part go up as a multipart upload; S3's minimum part is 5 MiB. */
  partSizeBytes?: number;
  /**
   * Longest wait for a connection to open, or for a silent socket to say something, before the
   * request is abandoned (the SDK then retries it). Without it a stalled object store holds
   * every request that touches it forever. A slow transfer that keeps moving is never cut.
   */
  timeoutMs?: number;
}

const MIN_PART = 5 * 1024 * 1024;

/**
 * Any S3-compatible service. Uploads stream in parts of `partSizeBytes`, so memory stays
 * bounded by one part whatever the body size; a body smaller than a part is one PUT.
 */
export class S3Driver implements StorageDriver {
  readonly name = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;

  constructor(options: S3DriverOptions) {
    this.bucket = options.bucket;
    this.partSize = Math.max(MIN_PART, options.partSizeBytes ?? 8 * 1024 * 1024);
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      // The SDK's default extra checksums (CRC32 trailers) are not understood by every
      // S3-compatible service (MinIO versions, R2, s3rver); send them only where required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: options.timeoutMs ?? 30_000, socketTimeout: options.timeoutMs ?? 30_000 },
    });
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const tagging = options.tags && Object.keys(options.tags).length ? new URLSearchParams(options.tags).toString() : undefined;
    const hasher = new HashingStream();
    // Callback pipeline: an error on either side destroys both, so the loop below throws
    // instead of waiting forever, and a failed part upload stops reading the body.
    const source = pipeline(body, hasher, () => {});
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flushPart = async () => {
      if (!uploadId) {
        const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType, Tagging: tagging }));
        uploadId = created.UploadId!;
      }
      const partNumber = parts.length + 1;
      const res = await this.client.send(
        new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: Buffer.concat(pending, pendingBytes) }),
      );
      parts.push({ PartNumber: partNumber, ETag: res.ETag });
      pending = [];
      pendingBytes = 0;
    };
    try {
      // Awaiting each part inside the loop is the backpressure: reading pauses while a part uploads.
      for await (const chunk of source as AsyncIterable<Buffer>) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= this.partSize) await flushPart();
      }
      if (!uploadId) {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: Buffer.concat(pending, pendingBytes), ContentType: options.contentType, Tagging: tagging }));
      } else {
        if (pendingBytes > 0) await flushPart();
        await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      }
    } catch (err) {
      if (uploadId) {
        // Not every S3-compatible service implements abort; the bucket's
        // AbortIncompleteMultipartUpload rule (tenantry storage lifecycle-json) is the backstop.
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })).catch(() => {});
      }
      throw err;
    }
    return { size: hasher.size, sha256: hasher.digest() };
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<GetResult> {
    assertValidKey(key);
    const range = options.range;
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      const total = range ? Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? NaN) : Number(res.ContentLength);
      return { stream: res.Body as Readable, size: total, range };
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async setTags(key: string, tags: Record<string, string>): Promise<void> {
    assertValidKey(key);
    await this.client.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } }));
  }

  async head(key: string): Promise<ObjectHead | null> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(res.ContentLength ?? 0), lastModified: res.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    assertValidKey(fromKey);
    assertValidKey(toKey);
    // Single-request copy: objects up to 5 GB, which covers every upload kind the platform defines.
    const source = `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: source }));
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(fromKey);
      throw err;
    }
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    await this.copy(fromKey, toKey);
    await this.delete(fromKey);
  }

  async *list(prefix: string): AsyncIterable<ListEntry> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { key: o.Key, size: Number(o.Size ?? 0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.downloadName ? contentDisposition(options.downloadName) : undefined,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
