import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractGuidelinesText, GuidelinesTextError, MAX_GUIDELINES_CHARS } from '../../../../src/apps/genads/guidelines/extract-text.js';
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
