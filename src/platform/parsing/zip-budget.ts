import { inflateRawSync } from 'node:zlib';

/**
 * Zip archives (DOCX, XLSX, …) are checked before a reader inflates them: a few kilobytes can
 * inflate to gigabytes. The central directory states each entry's sizes, and a bomb that states
 * them honestly is refused from those numbers alone; a bomb that lies is caught by inflating
 * each entry here with a hard output cap (node's zlib stops at maxOutputLength), before the
 * reader, which trusts the archive, ever sees it.
 */
export interface ZipBudget {
  /** Largest inflated size of one entry. */
  maxEntryBytes: number;
  /** Largest inflated size of all entries together. */
  maxTotalBytes: number;
  /** Most entries an archive may hold. */
  maxEntries: number;
}

export type ZipBudgetProblem = 'NOT_A_ZIP' | 'TOO_MANY_ENTRIES' | 'TOO_LARGE' | 'CORRUPT';

export class ZipBudgetError extends Error {
  constructor(readonly problem: ZipBudgetProblem, message: string) {
    super(message);
    this.name = 'ZipBudgetError';
  }
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Throws a ZipBudgetError when `bytes` is not a zip whose entries stay within `budget` once inflated. */
export function assertZipWithinBudget(bytes: Buffer, budget: ZipBudget): void {
  const end = findEndOfDirectory(bytes);
  const entries = bytes.readUInt16LE(end + 10);
  const directoryOffset = bytes.readUInt32LE(end + 16);
  if (entries > budget.maxEntries) throw new ZipBudgetError('TOO_MANY_ENTRIES', `the archive holds ${entries} entries (at most ${budget.maxEntries})`);
  let total = 0;
  let at = directoryOffset;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new ZipBudgetError('CORRUPT', 'the archive directory is damaged');
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const statedSize = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    // 0xffffffff: sizes live in a ZIP64 record; no document this reads needs 4 GB entries.
    if (statedSize > budget.maxEntryBytes || statedSize === 0xffffffff) throw tooLarge(budget);
    total += statedSize;
    if (total > budget.maxTotalBytes) throw tooLarge(budget);
    const inflated = inflatedSize(bytes, localOffset, method, compressedSize, Math.min(budget.maxEntryBytes, budget.maxTotalBytes - total + statedSize));
    total += inflated - statedSize;
    at += 46 + nameLength + extraLength + commentLength;
  }
}

function tooLarge(budget: ZipBudget) {
  return new ZipBudgetError('TOO_LARGE', `the archive inflates to more than ${Math.round(Math.min(budget.maxEntryBytes, budget.maxTotalBytes) / 1024 / 1024)} MB`);
}

/** The end-of-central-directory record is in the last 22 + 65535 (comment) bytes. */
function findEndOfDirectory(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw new ZipBudgetError('NOT_A_ZIP', 'not a zip archive');
}

function inflatedSize(bytes: Buffer, localOffset: number, method: number, compressedSize: number, cap: number): number {
  if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== LOCAL_HEADER) throw new ZipBudgetError('CORRUPT', 'an archive entry is damaged');
  const dataStart = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
  const data = bytes.subarray(dataStart, dataStart + compressedSize);
  if (method === STORED) {
    if (data.length > cap) throw new ZipBudgetError('TOO_LARGE', 'an archive entry is too large');
    return data.length;
  }
  if (method !== DEFLATED) throw new ZipBudgetError('CORRUPT', `an archive entry uses compression method ${method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, cap) }).length;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipBudgetError('TOO_LARGE', `an archive entry inflates to more than ${Math.round(cap / 1024 / 1024)} MB`);
    throw new ZipBudgetError('CORRUPT', 'an archive entry does not inflate');
  }
}
