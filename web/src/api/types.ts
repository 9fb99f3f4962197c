/**
 * Names for the API's answers, taken from the types generated from /openapi.json (schema.d.ts):
 * when a route's response schema changes, `npm run web:api` changes these with it.
 */
import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonBody<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Success<O> = O extends { responses: infer R } ? JsonBody<R[Extract<keyof R, 200 | 201 | 202>]> : never;

/** The JSON a route answers on success (its 200, 201 or 202). */
export type Answer<P extends keyof paths, M extends Method & keyof paths[P]> = Success<paths[P][M]>;

// The answers components name; the rest are inferred from the call (`call(api.GET(…))`).
export type CreatedInvite = Answer<'/api/v1/invites', 'post'>;
export type RegisteredDevice = Answer<'/visant/v1/devices', 'post'>;
export type Capture = Answer<'/visant/v1/captures/{id}', 'get'>;
export type CapturePage = Answer<'/visant/v1/captures', 'get'>;
export type Member = Answer<'/api/v1/members', 'get'>['items'][number];
/** An org as the superadmin routes answer it; the list adds its member and usage counts. */
export type AdminOrg = Answer<'/api/v1/admin/orgs/{id}', 'patch'>;
export type AdminOrgListItem = Answer<'/api/v1/admin/orgs', 'get'>['items'][number];
export type Device = Answer<'/visant/v1/devices/{id}', 'get'>;
export type DeviceConfig = Answer<'/visant/v1/devices/{id}/config', 'get'>;
