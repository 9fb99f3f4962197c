import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractGuidelinesText, GuidelinesTextError, MAX_GUIDELINES_CHARS, MAX_PDF_PAGES } from '../../../../src/apps/genads/guidelines/extract-text.js';
import { pdfBomb, zipBombDocx } from '../../../support/bombs.js';
import { SAMPLE_GUIDELINES } from '../support/documents.js';
import { buildDocx } from './support/docx.js';
import { buildPdf } from '../support/pdf.js';

const PDF = 'application/pdf' as const;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' as const;

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GuidelinesTextError, `expected a GuidelinesTextError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, 422);
    assert.match(err.message, message);
    return true;
  });
}

describe('extractGuidelinesText: PDF', () => {
  it('reads every page, merged, one line per PDF line', async () => {
    const pdf = buildPdf({ pages: [SAMPLE_GUIDELINES, ['Page two: photography', '- Always light the bottle from the side']] });
    const text = await extractGuidelinesText(pdf, PDF);
    const lines = text.split('\n');
    for (const line of [...SAMPLE_GUIDELINES, 'Page two: photography', '- Always light the bottle from the side']) assert.ok(lines.includes(line), `missing line ${line}`);
    assert.ok(text.indexOf('Maison Aurum') < text.indexOf('Page two'), 'pages keep their order');
  });

  it('opens an encrypted PDF that has only an owner password (restrictions, no password to open)', async () => {
    const pdf = buildPdf({ pages: [SAMPLE_GUIDELINES], encrypt: { userPassword: '', ownerPassword: 'owner-secret' } });
    assert.ok(!pdf.includes(Buffer.from('elegant')), 'the content stream really is encrypted');
    const text = await extractGuidelinesText(pdf, PDF);
    assert.match(text, /Our voice is elegant, sophisticated and timeless\./);
  });

  it('refuses a password-protected PDF, saying to remove the password', async () => {
    const pdf = buildPdf({ pages: [SAMPLE_GUIDELINES], encrypt: { userPassword: 'open-sesame', ownerPassword: 'owner-secret' } });
    await rejectsWith(extractGuidelinesText(pdf, PDF), 'GUIDELINES_ENCRYPTED', /password-protected: remove the password/);
  });

  it('refuses a scanned PDF (images, no text layer) with what to upload instead', async () => {
    const pdf = buildPdf({ pages: [['ignored'], ['ignored']], imageOnly: true });
    await rejectsWith(extractGuidelinesText(pdf, PDF), 'GUIDELINES_EMPTY', /^The guidelines PDF has no extractable text \(is it scanned\?\): upload a text PDF or DOCX$/);
  });

  it('refuses a PDF whose only text is a page number', async () => {
    await rejectsWith(extractGuidelinesText(buildPdf({ pages: [['1'], ['2']] }), PDF), 'GUIDELINES_EMPTY', /no extractable text/);
  });

  it('refuses bytes that are not a PDF', async () => {
    await rejectsWith(extractGuidelinesText(Buffer.from('this is a plain text file, not a PDF at all'), PDF), 'GUIDELINES_UNREADABLE', /not a readable PDF .*upload a valid PDF or DOCX/);
    await rejectsWith(extractGuidelinesText(buildPdf({ pages: [SAMPLE_GUIDELINES] }).subarray(0, 120), PDF), 'GUIDELINES_UNREADABLE', /PDF/);
  });
});

describe('extractGuidelinesText: DOCX', () => {
  it('reads paragraphs, headings and list items as lines', async () => {
    const docx = buildDocx([
      { text: 'Maison Aurum', style: 'Title' },
      { text: 'Colours', style: 'Heading1' },
      'Primary colour: Gold #C9A227 & Deep Black #111111.',
      { text: 'Do', style: 'Heading2' },
      { text: 'Use soft, warm lighting', bullet: true },
    ]);
    const text = await extractGuidelinesText(docx, DOCX);
    assert.deepEqual(
      text.split('\n').filter(Boolean),
      ['Maison Aurum', 'Colours', 'Primary colour: Gold #C9A227 & Deep Black #111111.', 'Do', 'Use soft, warm lighting'],
    );
  });

  it('refuses an empty document', async () => {
    await rejectsWith(extractGuidelinesText(buildDocx([]), DOCX), 'GUIDELINES_EMPTY', /The guidelines DOCX has no text/);
  });

  it('refuses a file that is not a DOCX (not a zip)', async () => {
    await rejectsWith(extractGuidelinesText(Buffer.from('PK\u0003\u0004 this is not really a zip archive'), DOCX), 'GUIDELINES_UNREADABLE', /not a readable DOCX.*save it again as \.docx or upload a PDF/);
  });

  it('refuses a zip that is not a Word document', async () => {
    const { zip } = await import('./support/docx.js');
    await rejectsWith(extractGuidelinesText(zip([{ name: 'hello.txt', data: 'hello' }]), DOCX), 'GUIDELINES_UNREADABLE', /not a readable DOCX/);
  });

  it('recognises the OLE container Word uses for password-protected .docx (and old .doc) files', async () => {
    // Only the container signature is built here, not a full encrypted package: the check is on the signature.
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    await rejectsWith(extractGuidelinesText(ole, DOCX), 'GUIDELINES_ENCRYPTED', /password-protected \(or an old \.doc file\): remove the password and save it as \.docx/);
  });

  it('caps very long documents on a line boundary', async () => {
    const paragraphs = Array.from({ length: 900 }, (_, i) => `Rule ${i}: use soft warm lighting on marble and silk surfaces.`);
    const text = await extractGuidelinesText(buildDocx(paragraphs), DOCX);
    assert.ok(text.length <= MAX_GUIDELINES_CHARS, `${text.length} chars`);
    assert.ok(text.length > MAX_GUIDELINES_CHARS * 0.9);
    assert.match(text, /surfaces\.$/, 'ends on a whole line');
  });
});

describe('extractGuidelinesText: parser bombs', () => {
  it('refuses a zip bomb DOCX from its directory, before inflating it', async () => {
    const bomb = zipBombDocx(2 * 1024 ** 3);
    assert.ok(bomb.length < 4 * 1024 * 1024, `the bomb weighs ${bomb.length} bytes`);
    await rejectsWith(extractGuidelinesText(bomb, DOCX), 'GUIDELINES_TOO_COMPLEX', /too large once unpacked.*remove large embedded files or upload a PDF/);
  });

  it('refuses a zip bomb DOCX that understates its sizes, while inflating it under a cap', async () => {
    const liar = zipBombDocx(512 * 1024 * 1024, { lieAboutSize: true });
    await rejectsWith(extractGuidelinesText(liar, DOCX), 'GUIDELINES_TOO_COMPLEX', /too large once unpacked/);
  });

  it('reads only the first MAX_PDF_PAGES pages of a PDF that claims many more', async () => {
    const pages = Array.from({ length: MAX_PDF_PAGES + 50 }, (_, i) => [`Page ${i + 1} of the brand book, gold and black.`]);
    const text = await extractGuidelinesText(buildPdf({ pages }), PDF);
    assert.match(text, new RegExp(`Page ${MAX_PDF_PAGES} of`));
    assert.doesNotMatch(text, new RegExp(`Page ${MAX_PDF_PAGES + 1} of`));
  });

  it('stops reading a PDF once it has more text than the analyzers read', async () => {
    const text = await extractGuidelinesText(pdfBomb({ pages: 5000, streamBytes: 100_000 }), PDF);
    assert.ok(text.length <= MAX_GUIDELINES_CHARS);
  });

  it('ends the worker, not the process, when a PDF needs more memory than the parser may use', async () => {
    const bomb = pdfBomb({ streamBytes: 300 * 1024 * 1024 });
    assert.ok(bomb.length < 2 * 1024 * 1024, `the bomb weighs ${bomb.length} bytes`);
    const before = process.memoryUsage().heapUsed;
    await rejectsWith(extractGuidelinesText(bomb, PDF, { memoryMb: 64, timeoutMs: 20_000 }), 'GUIDELINES_TOO_COMPLEX', /needs too much memory to read|takes too long to read/);
    assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024, 'the bomb was inflated in the worker, not here');
  });

  it('gives up on a document that takes longer than the time limit', async () => {
    await rejectsWith(extractGuidelinesText(buildPdf({ pages: [SAMPLE_GUIDELINES] }), PDF, { memoryMb: 128, timeoutMs: 1 }), 'GUIDELINES_TOO_COMPLEX', /takes too long to read: export a simpler PDF/);
  });
});
