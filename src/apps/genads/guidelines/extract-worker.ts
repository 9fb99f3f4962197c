import { parentPort, workerData } from 'node:worker_threads';
import { GuidelinesTextError, readGuidelinesText, type ExtractAnswer, type GuidelinesTextErrorCode } from './extract-text.js';
import type { GuidelinesType } from '../storage-layout.js';

/** The worker thread extractGuidelinesText starts: reads one document and posts one answer. */
const input = workerData as { bytes: Uint8Array; contentType: GuidelinesType };
let answer: ExtractAnswer;
try {
  answer = { text: await readGuidelinesText(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength), input.contentType) };
} catch (err) {
  answer = err instanceof GuidelinesTextError
    ? { error: { code: err.code as GuidelinesTextErrorCode, message: err.message } }
    : { error: { code: 'GUIDELINES_UNREADABLE', message: `The guidelines file could not be read (${((err as Error)?.message ?? String(err)).slice(0, 160)}): upload a valid PDF or DOCX` } };
}
parentPort!.postMessage(answer);
