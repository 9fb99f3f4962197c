import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import type { Network, NetworkCheck } from './types';

export interface DraftShape {
  text: string;
  networks: Network[];
  variants: Partial<Record<Network, { text: string }>>;
  media: Partial<Record<Network | '*', string[]>>;
}

/** A value that settles `ms` after its last change: one check per pause in typing, not per key. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The draft's per-network checks, answered by the API (POST /social/api/posts/check runs the
 * publisher's own rules), so the page keeps no copy of the networks' limits.
 */
export function useRuleCheck(draft: DraftShape) {
  const key = JSON.stringify(draft);
  const settled = useSettled(key, 350);
  return useQuery({
    queryKey: ['social', 'rule-check', settled],
    enabled: draft.networks.length > 0,
    placeholderData: (previous) => previous,
    queryFn: async (): Promise<NetworkCheck[]> => {
      const d = JSON.parse(settled) as DraftShape;
      if (d.networks.length === 0) return [];
      return (await call(api.POST('/social/api/posts/check', { body: d }))).data;
    },
  });
}
