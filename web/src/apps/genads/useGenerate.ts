import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../../platform/api';

/**
 * Start a campaign's generation (the first take, or a new one), then follow it on the progress
 * page. A new take never touches the take shown until it completes (docs/genads.md "Takes").
 */
export function useGenerate(campaignId: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => call(api.POST('/genads/api/generation/campaigns/{id}/generate', { params: { path: { id: campaignId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
      navigate(`/genads/campaigns/${campaignId}/progress`);
    },
  });
}
