import { randomBytes } from 'node:crypto';

export interface FormFilePart {
  /** The form field name. */
  field: string;
  filename: string;
  type: string;
  data: Buffer;
}

/** A multipart/form-data body (fields first, then files), for server.inject. */
export function multipartForm(fields: Record<string, string>, files: FormFilePart[]): { payload: Buffer; contentType: string } {
  const boundary = `----tenantry${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
