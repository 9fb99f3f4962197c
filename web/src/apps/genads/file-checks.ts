/** The checks the API makes on uploads (docs/genads.md), made before sending so a wrong file costs no upload. */
const MB = 1024 * 1024;

export const IMAGE_TYPES = 'image/png,image/jpeg,image/webp';
export const GUIDELINE_TYPES = '.pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Logos and perfume photos: PNG, JPG or WebP, at most 5 MB. The server also checks the bytes. */
export function checkImage(file: File | null, required: boolean): string | null {
  if (!file) return required ? 'Choose an image' : null;
  if (!/^image\/(png|jpeg|webp)$/.test(file.type)) return 'A PNG, JPG or WebP image';
  return file.size > 5 * MB ? 'At most 5 MB: scale the image down' : null;
}

/** Brand guidelines: PDF or DOCX, at most 10 MB. */
export function checkGuidelines(file: File | null): string | null {
  if (!file) return 'Choose your brand guidelines (PDF or Word)';
  if (!/\.(pdf|docx)$/i.test(file.name)) return 'A PDF or DOCX document';
  return file.size > 10 * MB ? 'At most 10 MB' : null;
}
