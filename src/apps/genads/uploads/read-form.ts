import type { FastifyRequest } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/http/schemas.js';

export interface FormFile {
  field: string;
  filename: string;
  bytes: Buffer;
}

export interface FormLimits {
  /** Allowed file fields and each one's size limit in bytes. */
  files: Record<string, number>;
}

/**
 * Read a multipart form into its text fields and files. The seed's forms are small (images
 * ≤ 5 MB, guidelines ≤ 10 MB), so files are held in memory after a per-field size check;
 * an oversized file stops the read at its limit instead of buffering it whole.
 */
export async function readForm(request: FastifyRequest, limits: FormLimits): Promise<{ fields: Record<string, string>; files: Map<string, FormFile> }> {
  if (!request.isMultipart()) throw badRequest('Send this request as multipart/form-data', undefined, 'MULTIPART_REQUIRED');
  const fields: Record<string, string> = {};
  const files = new Map<string, FormFile>();
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const limit = limits.files[part.fieldname];
      if (limit === undefined) {
        part.file.resume();
        throw badRequest(`Unexpected file field "${part.fieldname}": send files as ${Object.keys(limits.files).join(', ')}`, undefined, 'UNEXPECTED_FILE');
      }
      if (files.has(part.fieldname)) throw badRequest(`Send one file as "${part.fieldname}"`, undefined, 'DUPLICATE_FILE');
      const bytes = await readLimited(part.file, limit, part.fieldname);
      if (bytes.length === 0) throw badRequest(`The file "${part.fieldname}" is empty`, undefined, 'EMPTY_FILE');
      files.set(part.fieldname, { field: part.fieldname, filename: part.filename, bytes });
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  return { fields, files };
}

async function readLimited(stream: NodeJS.ReadableStream & { truncated?: boolean }, limit: number, field: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      (stream as unknown as { resume(): void }).resume();
      throw tooLarge(field, limit);
    }
    chunks.push(chunk);
  }
  if (stream.truncated) throw tooLarge(field, limit);
  return Buffer.concat(chunks, size);
}

/** The seed answers 400 for "Invalid file format or size". */
function tooLarge(field: string, limit: number) {
  return badRequest(`The file "${field}" is larger than ${Math.round(limit / 1024 / 1024)} MB`, { field, max_bytes: limit }, 'FILE_TOO_LARGE');
}

export interface FormFileSpec {
  maxBytes: number;
  /** What to send, for the OpenAPI description. */
  description: string;
}

/**
 * One multipart form of a resource: its text fields as a zod schema and its file parts. `body`
 * describes the whole form in the OpenAPI document (files as binary strings); `read` streams a
 * request's parts and validates the fields with the schema, as a JSON route's body would be.
 * Which files are required stays with the route, which knows the seed's error for each.
 */
export function multipartForm<Fields extends z.ZodObject>(fields: Fields, files: Record<string, FormFileSpec>) {
  const limits: FormLimits = { files: Object.fromEntries(Object.entries(files).map(([name, spec]) => [name, spec.maxBytes])) };
  const fileParts = Object.fromEntries(
    Object.entries(files).map(([name, spec]) => [name, z.any().optional().meta({ type: 'string', format: 'binary', description: `${spec.description} (≤ ${Math.round(spec.maxBytes / 1024 / 1024)} MB)` })]),
  );
  return {
    body: fields.extend(fileParts),
    async read(request: FastifyRequest): Promise<{ fields: z.infer<Fields>; files: Map<string, FormFile> }> {
      const form = await readForm(request, limits);
      return { fields: parseInput(fields, form.fields) as z.infer<Fields>, files: form.files };
    },
  };
}

/**
 * The validator of routes that declare a multipart `body` for the OpenAPI document: the body
 * is streamed and checked by its form's `read` in the handler, so only params and query go
 * through the usual zod validation here.
 */
export function multipartRouteValidator<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  return route.httpPart === 'body' ? (body: unknown) => ({ value: body }) : validatorCompiler(route as FastifyRouteSchemaDef<z.ZodType>);
}
