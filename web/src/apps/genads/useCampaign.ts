import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../platform/api';

export function useCampaign(campaignId: string) {
  return useQuery({
    queryKey: ['genads', 'campaign', campaignId],
    queryFn: () => call(api.GET('/genads/api/campaigns/{campaignId}', { params: { path: { campaignId } } })),
  });
}

export function useCampaignVideos(campaignId: string) {
  return useQuery({
    queryKey: ['genads', 'videos', campaignId],
    queryFn: () => call(api.GET('/genads/api/campaigns/{campaignId}/videos', { params: { path: { campaignId } } })),
    // The links are presigned for an hour: fetch fresh ones well before they lapse.
    staleTime: 30 * 60_000,
  });
}
