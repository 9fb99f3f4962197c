/** Queries several Social pages share, and the realtime topics that refresh them. */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { subscribe } from '../../platform/realtime';
import { useSession } from '../../platform/useSession';
import type { PostEvent } from './types';

export function useIsAdmin(): boolean {
  const signedIn = useSession();
  return ['owner', 'admin'].includes(signedIn?.user.role ?? '');
}

export function useCanWrite(): boolean {
  const signedIn = useSession();
  return (signedIn?.user.role ?? 'viewer') !== 'viewer';
}

export function useSettings() {
  return useQuery({ queryKey: ['social', 'settings'], queryFn: async () => (await call(api.GET('/social/api/settings'))).data });
}

export function useAccounts() {
  return useQuery({ queryKey: ['social', 'accounts'], queryFn: async () => (await call(api.GET('/social/api/accounts'))).data });
}

export function useCampaignOptions() {
  return useQuery({
    queryKey: ['social', 'campaigns', 'options'],
    queryFn: async () => (await call(api.GET('/social/api/campaigns', { params: { query: { status: 'active', limit: 100 } } }))).data.items,
  });
}

/**
 * Posts change state as their jobs run: each `social:posts` event (post.status,
 * target.retrying) and each (re)connection makes the post queries read again. Nothing polls.
 */
export function useLivePosts(postId?: string): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const subscription = subscribe<PostEvent>(['social:posts'], {
      onEvent: ({ payload }) => {
        if (postId && payload?.post_id !== postId) return;
        void queryClient.invalidateQueries({ queryKey: ['social', 'posts'] });
      },
      onReady: () => void queryClient.invalidateQueries({ queryKey: ['social', 'posts'] }),
      onStatus: setLive,
    });
    return () => subscription.close();
  }, [postId, queryClient]);
  return live;
}

/** Accounts lose their tokens while publishing (`account.reconnect_needed`): the list follows. */
export function useLiveAccounts(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const subscription = subscribe(['social:accounts'], {
      onEvent: () => void queryClient.invalidateQueries({ queryKey: ['social', 'accounts'] }),
      onReady: () => void queryClient.invalidateQueries({ queryKey: ['social', 'accounts'] }),
    });
    return () => subscription.close();
  }, [queryClient]);
}
