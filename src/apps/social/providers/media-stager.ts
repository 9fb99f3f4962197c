import type { AdapterConfig } from './adapter-config.js';
import type { PostMedia } from './provider.js';

/**
 * Instagram's content publishing API does not take bytes: it fetches each image or video from
 * a public URL the caller gives it (image_url / video_url); so does Facebook for Page videos
 * (file_url). A stager makes one media item
 * reachable at such a URL for the duration of the publish (e.g. a short-lived presigned URL in
 * object storage, or a public share link) and removes it afterwards.
 */
export interface StagedMedia {
  url: string;
  release(): Promise<void>;
}

export interface MediaStager {
  stage(media: PostMedia, signal?: AbortSignal): Promise<StagedMedia>;
}

/** The config of an adapter whose network fetches media by URL (Instagram, Facebook's videos). */
export interface StagingAdapterConfig extends AdapterConfig {
  stager?: MediaStager;
}
