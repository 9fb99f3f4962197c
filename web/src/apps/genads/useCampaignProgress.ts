import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { subscribe } from '../../platform/realtime';
import type { CampaignProgressEvent, Progress } from './types';

/**
 * A campaign's generation progress, streamed: the progress endpoint once, then every update
 * the pipeline publishes on `genads:campaign:<id>` (Server-Sent Events through the platform's
 * realtime tickets). After each (re)connection the endpoint is read again, since events missed
 * meanwhile are not replayed. No polling.
 */
export function useCampaignProgress(campaignId: string) {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  const queryKey = ['genads', 'progress', campaignId];
  const progress = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/genads/api/generation/campaigns/{id}/progress', { params: { path: { id: campaignId } } })),
  });

  useEffect(() => {
    const key = ['genads', 'progress', campaignId];
    const subscription = subscribe<CampaignProgressEvent>([`genads:campaign:${campaignId}`], {
      onEvent: ({ payload }) => {
        if (payload?.type !== 'genads.campaign.progress' || payload.campaign_id !== campaignId) return;
        queryClient.setQueryData<Progress>(key, (current) =>
          current && {
            ...current,
            status: payload.status,
            progress: payload.progress ?? current.progress,
            stage: payload.stage ?? current.stage,
            cost: payload.cost ?? current.cost,
            variations_completed: payload.variations_completed ?? current.variations_completed,
            take: payload.take ?? current.take,
            error_message: payload.error_message ?? (payload.status === 'failed' ? current.error_message : undefined),
          },
        );
        // A completed take replaces the one shown and deletes its files: forget the old links at
        // once, so no page shows a video that is gone while the new list loads.
        if (payload.status === 'completed') queryClient.removeQueries({ queryKey: ['genads', 'videos', campaignId] });
        // The end of a run changes the campaign, its videos and the brand's numbers: read them again.
        if (payload.status !== 'processing') void queryClient.invalidateQueries({ queryKey: ['genads'] });
      },
      onReady: () => void queryClient.invalidateQueries({ queryKey: key }),
      onStatus: setLive,
    });
    return () => subscription.close();
  }, [campaignId, queryClient]);

  return { progress, live };
}
