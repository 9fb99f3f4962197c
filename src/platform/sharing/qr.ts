import QRCode from 'qrcode';

export type QrFormat = 'png' | 'svg';

/**
 * A QR code of a URL. Error correction M survives a smudged print or a small logo overlay
 * while keeping share URLs (about 70 characters) at a scannable density.
 */
export async function qrCode(text: string, format: QrFormat, size: number): Promise<{ body: Buffer | string; contentType: string }> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 2, width: size };
  if (format === 'svg') return { body: await QRCode.toString(text, { ...options, type: 'svg' }), contentType: 'image/svg+xml; charset=utf-8' };
  return { body: await QRCode.toBuffer(text, { ...options, type: 'png' }), contentType: 'image/png' };
}
