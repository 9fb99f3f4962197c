import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { describeVideo } from './video-poster.js';

/** After a video's upload: its duration, picture size and poster thumbnail (video-poster.ts). */
export const videoPosterJob = defineJob({
  name: 'social.video-poster',
  schema: z.object({ mediaId: z.uuid() }),
  // Copying a library video (SOCIAL_MEDIA_VIDEO_MAX_MB) to disk and one seek: minutes at most.
  expireInSeconds: 15 * 60,
  retryLimit: 2,
  handler: async (ctx, job) => {
    await job.reportProgress(5, 'copying the video');
    return describeVideo(ctx, job.orgId, job.data.mediaId, { signal: job.signal, onStep: (percent, message) => job.reportProgress(percent, message) });
  },
});
