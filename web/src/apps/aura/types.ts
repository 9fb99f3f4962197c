import type { Answer } from '../../api/types';

export type UploadAnswer = Answer<'/aura/api/photos', 'post'>;
export type Photo = Answer<'/aura/api/photos', 'get'>['items'][number];
export type AuraEvent = Answer<'/aura/api/events', 'get'>['items'][number];
export type Bundle = Answer<'/aura/api/bundles', 'get'>['items'][number];
export type BundleShare = Answer<'/aura/api/bundles/{id}/share', 'post'>;
