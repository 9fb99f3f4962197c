import { useEffect, useState } from 'react';
import { useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { subscribe } from '../../platform/realtime';
import type { Capture, CapturePage } from '../../api/types';

/** The payload of a capture event on the realtime stream (capture-events.ts on the server): the capture as the API shows it. */
interface CaptureEvent {
  type: 'visant.capture.created' | 'visant.capture.evaluated';
  capture: Capture;
}

const PAGE_SIZE = 24;

/**
 * A device's captures, newest first, paged by cursor, kept current by the realtime stream:
 * new captures appear at the top and evaluations update them in place. After every
 * (re)connection the list is read again, since events missed meanwhile are not replayed.
 */
export function useLiveCaptures(deviceId: string) {
  const queryClient = useQueryClient();
  const queryKey = ['visant', 'captures', deviceId];
  const [live, setLive] = useState(false);
  const captures = useInfiniteQuery({
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(api.GET('/visant/v1/captures', { params: { query: { device_id: deviceId, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  useEffect(() => {
    const key = ['visant', 'captures', deviceId];
    const apply = (capture: Capture) =>
      queryClient.setQueryData<InfiniteData<CapturePage, string | undefined>>(key, (data) => {
        if (!data) return data;
        const known = data.pages.some((p) => p.items.some((c) => c.record_id === capture.record_id));
        const pages = data.pages.map((p) => ({ ...p, items: p.items.map((c) => (c.record_id === capture.record_id ? { ...c, ...capture } : c)) }));
        if (!known) pages[0] = { ...pages[0], items: [capture, ...pages[0].items] };
        return { ...data, pages };
      });
    const subscription = subscribe<CaptureEvent>([`visant:device:${deviceId}`], {
      onEvent: (event) => {
        if (event.payload?.capture) apply(event.payload.capture);
        // A capture means the camera was just seen: its online state and last-seen time changed.
        if (event.payload?.type === 'visant.capture.created') void queryClient.invalidateQueries({ queryKey: ['visant', 'device', deviceId] });
      },
      onReady: () => void queryClient.invalidateQueries({ queryKey: key }),
      onStatus: setLive,
    });
    return () => subscription.close();
  }, [deviceId, queryClient]);

  return { captures, live };
}
