import sharp from 'sharp';
import type { LightMyRequestResponse } from 'fastify';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { multipartForm, type FormFilePart } from '../../support/multipart.js';

/** A small JPEG of one colour (each colour gives other bytes), optionally with EXIF orientation and date. */
export async function photoJpeg(options: { color?: string; width?: number; height?: number; orientation?: number; takenAt?: string } = {}): Promise<Buffer> {
  const width = options.width ?? 64;
  const height = options.height ?? 48;
  let img = sharp({ create: { width, height, channels: 3, background: options.color ?? '#3366aa' } }).jpeg({ quality: 90 });
  if (options.orientation || options.takenAt) {
    img = img.withMetadata({
      ...(options.orientation ? { orientation: options.orientation } : {}),
      ...(options.takenAt ? { exif: { IFD0: { DateTime: options.takenAt }, IFD2: { DateTimeOriginal: options.takenAt } } } : {}),
    });
  }
  return img.toBuffer();
}

export function jpegPart(filename: string, data: Buffer, type = 'image/jpeg'): FormFilePart {
  return { field: 'files', filename, type, data };
}

/** POST /aura/api/photos with these fields and files, as the user with `token`. */
export function uploadPhotos(t: TestPlatform, token: string, fields: Record<string, string>, files: FormFilePart[]): Promise<LightMyRequestResponse> {
  const form = multipartForm(fields, files);
  return t.server.inject({ method: 'POST', url: '/aura/api/photos', headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType }, payload: form.payload });
}

/** The org's slug, as the station login needs it. */
export async function slugOf(t: TestPlatform, user: TestUser): Promise<string> {
  const org = await t.db.selectFrom('orgs').select('slug').where('id', '=', user.orgId).executeTakeFirstOrThrow();
  return org.slug;
}
