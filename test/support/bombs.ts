import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

/**
 * Decompression and pixel bombs, generated: small files that ask a parser for far more memory
 * or time than they weigh. Each is a valid file of its kind, so it reaches the decoder.
 */

/** A PNG whose header declares width x height pixels, followed by a little (too little) real image data. */
export function pixelBombPng(width = 30_000, height = 30_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  // Rows of zeros compress to almost nothing: a few rows are enough to look like image data.
  const rows = deflateSync(Buffer.alloc((width * 3 + 1) * 4));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

/** A baseline JPEG header (SOI, SOF0) declaring width x height, then the end marker: decoders read the size first. */
export function pixelBombJpeg(width = 30_000, height = 30_000): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, (height >> 8) & 0xff, height & 0xff, (width >> 8) & 0xff, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}

/**
 * A zip whose entries inflate to `inflatedBytes` each from a few kilobytes (zeros deflate about
 * 1000:1). Named like the parts of a DOCX so a Word reader opens it and inflates word/document.xml.
 */
export function zipBombDocx(inflatedBytes = 2 * 1024 ** 3, options: { lieAboutSize?: boolean } = {}): Buffer {
  const contentTypes = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  const rels = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  const entries = [
    { name: '[Content_Types].xml', packed: deflateRawSync(contentTypes), size: contentTypes.length, crc: crc32(contentTypes) >>> 0 },
    { name: '_rels/.rels', packed: deflateRawSync(rels), size: rels.length, crc: crc32(rels) >>> 0 },
    bombEntry('word/document.xml', inflatedBytes),
  ];
  // A lying archive states small sizes in its directory: the reader must still stop while inflating.
  if (options.lieAboutSize) entries[2].size = 1024;
  return writeZip(entries);
}

/**
 * An entry of `size` spaces. One 1 MiB block is deflated with a full flush (byte-aligned, no
 * back-references across it), so the same compressed bytes can be repeated and end with an empty
 * final block: building a 2 GiB bomb costs milliseconds. The CRC is left 0: a reader that
 * inflated the whole entry to check it has already lost.
 */
function bombEntry(name: string, size: number) {
  const blockSize = 1024 * 1024;
  const block = deflateRawSync(Buffer.alloc(blockSize, 0x20), { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const tail = size % blockSize;
  const pieces = Array.from({ length: Math.floor(size / blockSize) }, () => block);
  pieces.push(deflateRawSync(Buffer.alloc(tail, 0x20), { finishFlush: constants.Z_FINISH }));
  return { name, packed: Buffer.concat(pieces), size, crc: 0 };
}

function writeZip(entries: Array<{ name: string; packed: Buffer; size: number; crc: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const size32 = Math.min(e.size, 0xffffffff);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.packed.length, 18);
    local.writeUInt32LE(size32, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.packed.length, 20);
    central.writeUInt32LE(size32, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.packed);
    centrals.push(central, name);
    offset += 30 + name.length + e.packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A PDF with `pages` pages sharing one content stream that inflates (FlateDecode) to
 * `streamBytes` of text-drawing operators: small on disk, long to extract.
 */
export function pdfBomb(options: { pages?: number; streamBytes?: number } = {}): Buffer {
  const pages = options.pages ?? 1;
  const line = '(Gold and black, always elegant) Tj T*\n';
  const content = Buffer.from(`BT /F1 11 Tf 14 TL 56 760 Td\n${line.repeat(Math.ceil((options.streamBytes ?? 1024) / line.length))}ET`, 'latin1');
  const packed = deflateSync(content, { level: 9 });
  const objects: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`).join(' ');
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  for (let i = 0; i < pages; i++) objects[5 + i] = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>';
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let length = chunks[0].length;
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = length;
    const body = n === 4
      ? Buffer.concat([Buffer.from(`4 0 obj\n<< /Length ${packed.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), packed, Buffer.from('\nendstream\nendobj\n', 'latin1')])
      : Buffer.from(`${n} 0 obj\n${objects[n]}\nendobj\n`, 'latin1');
    chunks.push(body);
    length += body.length;
  }
  const rows = ['0000000000 65535 f \n', ...offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  chunks.push(Buffer.from(`xref\n0 ${objects.length}\n${rows}trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}
