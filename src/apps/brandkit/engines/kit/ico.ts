/**
 * A .ico file from PNG images: the ICONDIR header, one ICONDIRENTRY per image and the PNGs
 * themselves (PNG-in-ICO, read by every browser and by Windows since Vista). Pure bytes.
 *
 * Interface: `icoFromPngs([{ png, size }])` → Buffer.
 */

export function icoFromPngs(images: Array<{ png: Buffer; size: number }>): Buffer {
  if (images.length === 0 || images.length > 16) throw new RangeError('an .ico holds 1 to 16 images');
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries = Buffer.alloc(16 * images.length);
  let offset = 6 + entries.length;
  images.forEach(({ png, size }, i) => {
    if (size < 1 || size > 256) throw new RangeError(`an .ico image is 1-256 px, not ${size}`);
    const e = i * 16;
    entries.writeUInt8(size === 256 ? 0 : size, e); // 0 means 256
    entries.writeUInt8(size === 256 ? 0 : size, e + 1);
    entries.writeUInt8(0, e + 2); // no palette
    entries.writeUInt8(0, e + 3);
    entries.writeUInt16LE(1, e + 4); // colour planes
    entries.writeUInt16LE(32, e + 6); // bits per pixel
    entries.writeUInt32LE(png.length, e + 8);
    entries.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, entries, ...images.map((i) => i.png)]);
}
