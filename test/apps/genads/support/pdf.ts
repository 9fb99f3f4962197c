import { createHash, randomBytes } from 'node:crypto';

/**
 * Real PDFs written by hand, so the tests need no PDF library: text pages (Helvetica, one line
 * per entry), image-only pages (what a scan looks like) and the PDF Standard security handler
 * (revision 2, RC4 40-bit, ISO 32000-1 §7.6.3), implemented here, for password-protected files.
 */
export interface PdfOptions {
  /** Each page: its lines of text. An empty page list entry draws nothing. */
  pages: string[][];
  /** Draw a grey image on every page instead of text, as a scanner does. */
  imageOnly?: boolean;
  /** Encrypts the document. An empty user password opens without asking (owner-only restrictions). */
  encrypt?: { userPassword: string; ownerPassword: string };
}

export function buildPdf(options: PdfOptions): Buffer {
  const pageCount = options.pages.length;
  // Object numbers: 1 catalog, 2 pages, 3 font, 4 image, then a page and its content per page, then the Encrypt dictionary.
  const pageObj = (i: number) => 5 + i * 2;
  const contentObj = (i: number) => 6 + i * 2;
  const encryptObj = 5 + pageCount * 2;
  const fileId = randomBytes(16);
  const security = options.encrypt ? standardSecurity(options.encrypt.userPassword, options.encrypt.ownerPassword, fileId) : null;

  const objects = new Map<number, Buffer>();
  const dict = (n: number, s: string) => objects.set(n, Buffer.from(s, 'latin1'));
  const stream = (n: number, head: string, data: Buffer) => {
    const body = security ? rc4(security.objectKey(n, 0), data) : data;
    objects.set(n, Buffer.concat([Buffer.from(`<< ${head} /Length ${body.length} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]));
  };

  dict(1, '<< /Type /Catalog /Pages 2 0 R >>');
  dict(2, `<< /Type /Pages /Kids [${options.pages.map((_, i) => `${pageObj(i)} 0 R`).join(' ')}] /Count ${pageCount} >>`);
  dict(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  // An 8x8 grey checker, scaled up on the page: pixels only, no text layer.
  const pixels = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) pixels[i] = ((i >> 3) + i) % 2 ? 90 : 200;
  stream(4, '/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8', pixels);
  options.pages.forEach((lines, i) => {
    dict(pageObj(i), `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentObj(i)} 0 R /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>`);
    const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
    const content = options.imageOnly
      ? 'q 480 0 0 640 66 76 cm /Im1 Do Q'
      : ['BT', '/F1 11 Tf', '14 TL', '56 760 Td', ...lines.map((l) => `(${escape(l)}) Tj T*`), 'ET'].join('\n');
    stream(contentObj(i), '', winAnsi(content));
  });
  if (security) dict(encryptObj, `<< /Filter /Standard /V 1 /R 2 /O <${security.o.toString('hex')}> /U <${security.u.toString('hex')}> /P ${security.p} >>`);

  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = chunks[0].length;
  const offsets: number[] = [];
  const last = security ? encryptObj : encryptObj - 1;
  for (let n = 1; n <= last; n++) {
    offsets[n] = length;
    const obj = Buffer.concat([Buffer.from(`${n} 0 obj\n`, 'latin1'), objects.get(n)!, Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(obj);
    length += obj.length;
  }
  const xref = length;
  const rows = ['0000000000 65535 f \n', ...offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const id = fileId.toString('hex');
  const trailer = `<< /Size ${last + 1} /Root 1 0 R /ID [<${id}> <${id}>]${security ? ` /Encrypt ${encryptObj} 0 R` : ''} >>`;
  chunks.push(Buffer.from(`xref\n0 ${last + 1}\n${rows}trailer\n${trailer}\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** The font's WinAnsiEncoding: Latin-1, plus typographic punctuation at 0x80-0x9f. */
const WIN_ANSI_EXTRA: Record<string, number> = { '•': 0x95, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, '…': 0x85, '€': 0x80 };

function winAnsi(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const extra = WIN_ANSI_EXTRA[ch];
      if (extra !== undefined) return extra;
      const code = ch.codePointAt(0)!;
      if (code > 0xff) throw new Error(`no WinAnsi code for ${JSON.stringify(ch)}`);
      return code;
    }),
  );
}

const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

/** Algorithms 2, 3 and 4 of ISO 32000-1 for revision 2 (40-bit key). */
function standardSecurity(userPassword: string, ownerPassword: string, fileId: Buffer) {
  const pad = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
  const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  const p = -44; // print, modify, copy, annotate allowed in the low bits; the rest as the spec requires
  const o = rc4(md5(pad(ownerPassword || userPassword)).subarray(0, 5), pad(userPassword));
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  const key = md5(pad(userPassword), o, pBytes, fileId).subarray(0, 5);
  const u = rc4(key, PASSWORD_PAD);
  const objectKey = (num: number, gen: number) =>
    md5(key, Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, gen & 0xff, (gen >> 8) & 0xff])).subarray(0, 10);
  return { o, u, p, objectKey };
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}
