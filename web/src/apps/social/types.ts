/** Names for Social's answers, from the generated client (src/api/schema.d.ts): `data` of the wrapped body. */
import type { Answer } from '../../api/types';

type Data<T> = T extends { data: infer D } ? D : never;

export type Account = Data<Answer<'/social/api/accounts/{id}', 'get'>>;
export type Post = Data<Answer<'/social/api/posts/{id}', 'get'>>;
export type PostSummary = Data<Answer<'/social/api/posts', 'get'>>['items'][number];
export type CalendarEntry = Data<Answer<'/social/api/posts/calendar', 'get'>>['days'][number]['posts'][number];
export type SavedPost = Data<Answer<'/social/api/posts', 'post'>>;
export type NetworkCheck = Data<Answer<'/social/api/posts/check', 'post'>>[number];
export type Version = Data<Answer<'/social/api/posts/{id}/versions', 'get'>>[number];
export type VersionDiff = Data<Answer<'/social/api/posts/{id}/diff', 'get'>>;
export type Campaign = Data<Answer<'/social/api/campaigns/{id}', 'get'>>;
export type Media = Data<Answer<'/social/api/media', 'post'>>;
export type MediaDetail = Data<Answer<'/social/api/media/{id}', 'get'>>;
export type QueueItem = Data<Answer<'/social/api/approvals', 'get'>>['items'][number];
export type Settings = Data<Answer<'/social/api/settings', 'get'>>;
export type Network = Account['network'];
export type PostStatus = Post['status'];

/** What Social publishes on its realtime topics (src/apps/social/publishing). */
export interface PostEvent {
  type: 'post.status' | 'target.retrying';
  post_id: string;
  status?: PostStatus;
}

export type Overview = Data<Answer<'/social/api/analytics/overview', 'get'>>;
export type Totals = Overview['totals'];
export type TopPosts = Data<Answer<'/social/api/analytics/top-posts', 'get'>>;
export type TopMetric = TopPosts['metric'];
export type PostAnalytics = Data<Answer<'/social/api/analytics/posts/{id}', 'get'>>;
export type CampaignAnalytics = Data<Answer<'/social/api/analytics/campaigns/{id}', 'get'>>;
export type AbTest = Data<Answer<'/social/api/ab-tests/{id}', 'get'>>;
export type AbTestSummary = Data<Answer<'/social/api/ab-tests', 'get'>>[number];
export type AiResult = Data<Answer<'/social/api/ai/generate', 'post'>>;
