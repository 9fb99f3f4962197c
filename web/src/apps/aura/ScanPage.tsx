import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Group, Image, Loader, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import type { paths } from '../../api/schema';
import { ApiError, api, call } from '../../platform/api';
import { upload } from '../../platform/upload';
import { SelfiePicker } from './SelfiePicker';
import './scan.css';

type ScanResult = paths['/aura/api/scan/{token}/search']['post']['responses'][200]['content']['application/json'];
type ScanPhoto = ScanResult['photos'][number];

/** What a guest reads when the link does not work: the server's sentence under a plain heading. */
function headingFor(error: unknown): string {
  if (error instanceof ApiError && error.status === 410) return 'This link has expired';
  if (error instanceof ApiError && error.status === 404) return 'This link does not work';
  if (error instanceof ApiError && error.status === 429) return 'Too many searches';
  return 'Something went wrong';
}

function timeOf(value: string): string {
  return new Date(value).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * The guest's page behind an event's link (/scan/<token>), no account: the event, a selfie
 * (camera or file), and the photos the search matched, to view and download until the session ends.
 * The selfie goes to the server, which reads it in memory and forgets it (docs/aura.md, Guest scan).
 */
export function ScanPage() {
  const { token = '' } = useParams();
  const [result, setResult] = useState<ScanResult | null>(null);
  const [open, setOpen] = useState<ScanPhoto | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const event = useQuery({
    queryKey: ['aura', 'scan', token],
    queryFn: () => call(api.GET('/aura/api/scan/{token}', { params: { path: { token } } })),
    retry: false,
  });
  const search = useMutation({
    mutationFn: (selfie: File) => upload<ScanResult>('POST', `/aura/api/scan/${encodeURIComponent(token)}/search`, {}, [{ field: 'selfie', file: selfie }]),
    onSuccess: (r) => setResult(r),
  });
  // The session's end is shown, and once past it the page asks for a new selfie instead of showing dead links.
  useEffect(() => {
    if (!result) return;
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, [result]);
  const expired = result !== null && new Date(result.expires_at).getTime() <= now;

  const selfieControls = (
    <Stack gap="sm" align="flex-start">
      <SelfiePicker onSelfie={(file) => search.mutate(file)} disabled={search.isPending} />
      {search.isPending ? <Group gap="xs"><Loader size="sm" color="dark" /><Text>Looking for you in the photos…</Text></Group> : null}
      {search.error ? (
        <Alert color="red" title={headingFor(search.error)} role="alert">
          {search.error instanceof Error ? search.error.message : 'The search failed. Try again.'}
        </Alert>
      ) : null}
    </Stack>
  );

  return (
    <div className="aura-scan">
      <main className="aura-scan__inner">
        <p className="aura-scan__kicker">Aura · your photos</p>
        {event.isPending ? <Loader role="status" color="dark" aria-label="Loading the event" /> : null}
        {event.error ? (
          <>
            <h1 className="aura-scan__title">{headingFor(event.error)}</h1>
            <hr className="aura-scan__rule" />
            <Text size="lg">{event.error instanceof Error ? event.error.message : ''}</Text>
          </>
        ) : null}
        {event.data ? (
          <>
            <h1 className="aura-scan__title">{event.data.name}</h1>
            <Text size="lg">
              {event.data.event_date ? new Date(event.data.event_date).toLocaleDateString(undefined, { dateStyle: 'long' }) : null}
              {event.data.guest_expires_at ? ` · link open until ${new Date(event.data.guest_expires_at).toLocaleString()}` : null}
            </Text>
            <hr className="aura-scan__rule" />
            {!result || expired ? (
              <Stack>
                <Text size="xl" fw={700}>Find yourself with a selfie</Text>
                <Text>
                  Take a photo of your face alone, in good light. It is used for this search only: the studio does not keep the selfie or anything computed from it.
                </Text>
                {expired ? <Alert color="yellow" title="Your session has ended">Take a new selfie to see your photos again.</Alert> : null}
                {selfieControls}
              </Stack>
            ) : (
              <Stack>
                <Group justify="space-between" align="flex-end">
                  <div>
                    <Text size="xl" fw={700}>{result.photos.length === 0 ? 'No photos of you yet' : `${result.photos.length} photo${result.photos.length === 1 ? '' : 's'} of you`}</Text>
                    <Text size="sm">Available until {timeOf(result.expires_at)} on this device; then take a new selfie.</Text>
                  </div>
                  <Group>
                    {result.zip_url ? <Button component="a" href={result.zip_url} download color="dark" size="md">Download all (ZIP)</Button> : null}
                    <Button variant="outline" color="dark" size="md" onClick={() => { setResult(null); search.reset(); }}>Search again</Button>
                  </Group>
                </Group>
                {result.photos.length === 0 ? (
                  <Text>The photographer may still be uploading, or the selfie did not match well: try another one, facing the camera.</Text>
                ) : (
                  <div className="aura-scan__grid">
                    {result.photos.map((p, i) => (
                      <button key={p.id} type="button" className="aura-scan__thumb" onClick={() => setOpen(p)} aria-label={`Open photo ${i + 1}`}>
                        <img src={p.thumb_url} alt={`Photo ${i + 1}`} loading="lazy" />
                      </button>
                    ))}
                  </div>
                )}
              </Stack>
            )}
          </>
        ) : null}
      </main>
      <Modal opened={open !== null} onClose={() => setOpen(null)} size="xl" title="Your photo" centered>
        {open ? (
          <Stack>
            <Image src={open.full_url} alt="The photo, large" fit="contain" mah="70vh" />
            <Anchor href={open.original_url} download>Download the original</Anchor>
          </Stack>
        ) : null}
      </Modal>
    </div>
  );
}
