import { useState } from 'react';
import { Card, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { EmptyState, PageTitle, QueryView } from '../../platform/components';
import { AuthImage } from './AuthImage';
import { UploadPanel } from './UploadPanel';
import { FaceEnrolment } from './FaceEnrolment';

/** The employee's capture station, phone first: an event, the camera or files, what went up. */
export function CapturePage() {
  const [eventId, setEventId] = useState<string | null>(null);
  const events = useQuery({ queryKey: ['aura', 'events'], queryFn: () => call(api.GET('/aura/api/events', { params: { query: { limit: 100 } } })) });
  const recent = useQuery({
    queryKey: ['aura', 'photos', eventId ?? undefined, undefined, 'recent'],
    queryFn: () => call(api.GET('/aura/api/photos', { params: { query: { limit: 12, ...(eventId ? { event_id: eventId } : {}) } } })),
  });
  return (
    <>
      <PageTitle>Capture</PageTitle>
      <Stack>
        <Select
          label="Event"
          placeholder={events.isPending ? 'Loading events…' : 'No event (unsorted)'}
          clearable
          data={(events.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
          value={eventId}
          onChange={setEventId}
        />
        <UploadPanel key={eventId ?? 'none'} eventId={eventId ?? undefined} capture />
        <Text fw={700}>Recent uploads</Text>
        <QueryView query={recent} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="Nothing yet">Take or choose photos above.</EmptyState>}>
          {(d) => (
            <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(100px, 1fr))', gap: 6 }}>
              {d.items.map((p) => (
                <Card key={p.id} withBorder p={0}>
                  <AuthImage url={p.urls.thumb} alt={p.original_name} h={100} />
                </Card>
              ))}
            </div>
          )}
        </QueryView>
        <FaceEnrolment />
      </Stack>
    </>
  );
}
