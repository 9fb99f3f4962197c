import mammoth from 'mammoth';
import { getDocumentProxy } from 'unpdf';
import { AppError } from '../../../platform/errors.js';
import { runInWorker, siblingModule, WorkerTaskError } from '../../../platform/parsing/run-in-worker.js';
import { assertZipWithinBudget, ZipBudgetError } from '../../../platform/parsing/zip-budget.js';
import type { GuidelinesType } from '../storage-layout.js';

/**
 * The whole text of a brand guidelines document (seed: "Parse PDF/DOCX"), ready for an analyzer.
 * PDFs are read with unpdf (pdf.js, pages merged), DOCX with mammoth (raw text, one paragraph
 * per line). Documents we cannot read fail with a GuidelinesTextError saying what to upload
 * instead, because the brand owner is the only one who can fix them.
 */

/** Brand books run long; the analyzers only need the part that states colours, voice and rules, and an LLM bills per token. */
export const MAX_GUIDELINES_CHARS = 40_000;

/** Brand books run to a few dozen pages: the pages after these are not read (a PDF may claim millions). */
export const MAX_PDF_PAGES = 300;

/**
 * What a DOCX may inflate to. Word's XML for a long brand book is a few MB; images are stored
 * nearly as they are. A zip bomb (kilobytes inflating to gigabytes) stops here, before mammoth.
 */
export const DOCX_BUDGET = { maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024, maxEntries: 2000 };

/** Below this many letters a "text" is page numbers or a stray header, not guidelines. */
const MIN_LETTERS = 20;

export type GuidelinesTextErrorCode = 'GUIDELINES_ENCRYPTED' | 'GUIDELINES_UNREADABLE' | 'GUIDELINES_EMPTY' | 'GUIDELINES_TOO_COMPLEX';

/** A 422 AppError, so an HTTP route that surfaces it shows the brand owner the fix. */
export class GuidelinesTextError extends AppError {
  constructor(code: GuidelinesTextErrorCode, message: string, options?: { cause?: unknown }) {
    super(422, code, message);
    this.name = 'GuidelinesTextError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * Where a parser bomb ends: the worker that reads one document gets this much heap and time.
 * A real brand book is read in well under a second with a few tens of MB.
 */
export const PARSER_LIMITS = { memoryMb: 256, timeoutMs: 60_000 };

/** What the worker (extract-worker.ts) answers. */
export type ExtractAnswer = { text: string } | { error: { code: GuidelinesTextErrorCode; message: string } };

/**
 * Reads an uploaded document in a worker thread with capped memory and time (PARSER_LIMITS):
 * a document that exhausts either ends the worker, and the brand owner gets a 422 saying what
 * to upload instead, while the process (the API, in the embedded setup) carries on.
 */
export async function extractGuidelinesText(bytes: Buffer, contentType: GuidelinesType, limits: { memoryMb: number; timeoutMs: number; signal?: AbortSignal } = PARSER_LIMITS): Promise<string> {
  let answer: ExtractAnswer;
  try {
    answer = await runInWorker<ExtractAnswer>(siblingModule(import.meta.url, 'extract-worker'), { bytes, contentType }, limits);
  } catch (err) {
    if (!(err instanceof WorkerTaskError) || err.reason === 'aborted') throw err;
    const kind = contentType === 'application/pdf' ? 'PDF' : 'DOCX';
    const why = err.reason === 'memory' ? 'needs too much memory to read' : err.reason === 'timeout' ? 'takes too long to read' : 'could not be read';
    throw new GuidelinesTextError('GUIDELINES_TOO_COMPLEX', `The guidelines ${kind} ${why}: export a simpler ${kind} (text, fewer pages and images) or upload the other format`, { cause: err });
  }
  if ('error' in answer) throw new GuidelinesTextError(answer.error.code, answer.error.message);
  return answer.text;
}

/** Reads the document in this thread: only for bytes already known to be safe, and for the worker. */
export async function readGuidelinesText(bytes: Buffer, contentType: GuidelinesType): Promise<string> {
  const raw = contentType === 'application/pdf' ? await pdfText(bytes) : await docxText(bytes);
  const kind = contentType === 'application/pdf' ? 'PDF' : 'DOCX';
  const text = tidy(raw);
  if ((text.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) {
    throw new GuidelinesTextError(
      'GUIDELINES_EMPTY',
      kind === 'PDF'
        ? 'The guidelines PDF has no extractable text (is it scanned?): upload a text PDF or DOCX'
        : 'The guidelines DOCX has no text: upload the document that states your colours, tone and rules',
    );
  }
  return capLength(text, MAX_GUIDELINES_CHARS);
}

async function pdfText(bytes: Buffer): Promise<string> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: pdf.js may take ownership of the array it is given. verbosity 0 keeps its warnings out of our logs.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  } catch (err) {
    // pdf.js asks for a password (PasswordException) when the user password is not empty;
    // an owner password alone (printing/copying restrictions) opens and is read normally.
    if ((err as Error)?.name === 'PasswordException') {
      throw new GuidelinesTextError('GUIDELINES_ENCRYPTED', 'The guidelines PDF is password-protected: remove the password (or export an unprotected copy) and upload it again', { cause: err });
    }
    throw new GuidelinesTextError('GUIDELINES_UNREADABLE', `The guidelines file is not a readable PDF (${(err as Error)?.message ?? String(err)}): upload a valid PDF or DOCX`, { cause: err });
  }
  try {
    return await boundedPdfText(pdf);
  } catch (err) {
    throw new GuidelinesTextError('GUIDELINES_UNREADABLE', `The guidelines PDF could not be read (${(err as Error)?.message ?? String(err)}): re-export it as a PDF or upload a DOCX`, { cause: err });
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

/**
 * The text of the first MAX_PDF_PAGES pages, one page at a time (unpdf's extractText asks for
 * every page at once), stopping once there is more than the analyzers will read.
 */
async function boundedPdfText(pdf: Awaited<ReturnType<typeof getDocumentProxy>>): Promise<string> {
  const pages: string[] = [];
  let length = 0;
  for (let n = 1; n <= Math.min(pdf.numPages, MAX_PDF_PAGES) && length < MAX_GUIDELINES_CHARS * 2; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
    page.cleanup();
    pages.push(text);
    length += text.length;
  }
  return pages.join('\n');
}

/** The OLE compound-file signature: Word writes password-protected .docx (and legacy .doc) in this container, not as a zip. */
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

async function docxText(bytes: Buffer): Promise<string> {
  if (bytes.subarray(0, 8).equals(OLE_SIGNATURE)) {
    throw new GuidelinesTextError(
      'GUIDELINES_ENCRYPTED',
      'The guidelines DOCX is password-protected (or an old .doc file): remove the password and save it as .docx, or upload a PDF',
    );
  }
  try {
    assertZipWithinBudget(bytes, DOCX_BUDGET);
  } catch (err) {
    if (!(err instanceof ZipBudgetError)) throw err;
    if (err.problem === 'TOO_LARGE' || err.problem === 'TOO_MANY_ENTRIES') {
      throw new GuidelinesTextError('GUIDELINES_TOO_COMPLEX', `The guidelines DOCX is too large once unpacked (${err.message}): remove large embedded files or upload a PDF`, { cause: err });
    }
    throw new GuidelinesTextError('GUIDELINES_UNREADABLE', `The guidelines file is not a readable DOCX (${err.message}): save it again as .docx or upload a PDF`, { cause: err });
  }
  try {
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    return value;
  } catch (err) {
    // jszip's message for a non-zip ends in a link to its own docs: say it plainly.
    const reason = /central directory/i.test((err as Error)?.message ?? '') ? 'not a zip archive' : ((err as Error)?.message ?? String(err)).slice(0, 160);
    throw new GuidelinesTextError('GUIDELINES_UNREADABLE', `The guidelines file is not a readable DOCX (${reason}): save it again as .docx or upload a PDF`, { cause: err });
  }
}

/**
 * One line per PDF line or DOCX paragraph (the analyzers read headings and bullets by line),
 * compatibility characters folded (PDF ligatures such as "ﬁ", full-width forms), runs of spaces
 * and blank lines collapsed.
 */
function tidy(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad]/g, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cuts at the last line break (or space) before the limit, so no word or bullet is cut in half. */
function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const newline = head.lastIndexOf('\n');
  const cut = newline > max * 0.8 ? newline : head.lastIndexOf(' ');
  return (cut > max * 0.8 ? head.slice(0, cut) : head).trimEnd();
}
