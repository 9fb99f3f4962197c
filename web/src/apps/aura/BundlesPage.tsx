import { useState } from 'react';
import { Button, Card, Group, Image, Modal, NumberInput, Pagination, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { downloadWithToken } from './AuthImage';
import type { Bundle, BundleShare } from './types';

function ShareBundle({ bundle }: { bundle: Bundle }) {
  const form = useForm({
    initialValues: { expires_in_days: 7 as number | string, max_views: '' as number | string, password: '' },
    validate: {
      expires_in_days: (v) => (Number(v) >= 1 && Number(v) <= 365 ? null : 'Between 1 and 365 days'),
      max_views: (v) => (v === '' || Number(v) >= 1 ? null : 'At least 1, or empty for no limit'),
      password: (v) => (!v || v.length >= 8 ? null : 'At least 8 characters, or empty for none'),
    },
  });
  const share = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(
        api.POST('/aura/api/bundles/{id}/share', {
          params: { path: { id: bundle.id } },
          body: { expires_in_days: Number(v.expires_in_days), ...(v.max_views !== '' ? { max_views: Number(v.max_views) } : {}), ...(v.password ? { password: v.password } : {}) },
        }),
      ),
  });
  if (share.data) return <SharedLink link={share.data} />;
  return (
    <form onSubmit={form.onSubmit((v) => share.mutate(v))} noValidate>
      <Stack>
        <NumberInput label="Expires after (days)" min={1} max={365} {...form.getInputProps('expires_in_days')} error={form.errors.expires_in_days ?? fieldError(share.error, 'expires_in_days')} />
        <NumberInput label="Most views" description="Each page view and each ZIP download counts" min={1} {...form.getInputProps('max_views')} />
        <PasswordInput label="Password (optional)" {...form.getInputProps('password')} />
        <ErrorMessage error={share.error} />
        <Group justify="flex-end"><Button type="submit" loading={share.isPending}>Create link</Button></Group>
      </Stack>
    </form>
  );
}

function SharedLink({ link }: { link: BundleShare }) {
  return (
    <Stack>
      <Text size="sm">The link (shown once; it can be revoked from the shared links list):</Text>
      <Text component="a" href={link.url} target="_blank" rel="noreferrer" data-testid="aura-share-url" style={{ wordBreak: 'break-all' }}>{link.url}</Text>
      <Image src={link.qr_url} alt="QR code of the shared link" w={200} h={200} />
      <Text size="sm" c="dimmed">Expires {formatDate(link.expires_at)}{link.max_views ? ` · at most ${link.max_views} views` : ''}{link.has_password ? ' · password' : ''}</Text>
      <Button component="a" href={link.url} target="_blank" rel="noreferrer" variant="default">Open the public page</Button>
    </Stack>
  );
}

export function BundlesPage() {
  const [page, setPage] = useState(1);
  const [sharing, setSharing] = useState<Bundle | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const bundles = useQuery({ queryKey: ['aura', 'bundles', page], queryFn: () => call(api.GET('/aura/api/bundles', { params: { query: { page, limit: 24 } } })) });
  const create = useMutation({
    mutationFn: () => call(api.POST('/aura/api/bundles', { body: { name: name.trim() } })),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['aura', 'bundles'] });
    },
  });
  return (
    <>
      <PageTitle>Bundles</PageTitle>
      <Text c="dimmed" mb="md">Select photos in the gallery and choose "Add to bundle", or start an empty one here.</Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <Group align="flex-end" mb="md">
          <TextInput label="New bundle" placeholder="Smith wedding, selects" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button type="submit" disabled={!name.trim()} loading={create.isPending}>Create</Button>
        </Group>
      </form>
      <ErrorMessage error={create.error ?? downloadError} />
      <QueryView query={bundles} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No bundles yet">A bundle groups photos to download or share as one.</EmptyState>}>
        {(data) => (
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {data.items.map((b) => (
                <Card key={b.id} withBorder>
                  <Text fw={700}>{b.name}</Text>
                  <Text size="sm" c="dimmed">{b.photo_count} photos · {formatDate(b.created_at)}</Text>
                  <Group mt="sm" gap="xs">
                    <Button size="xs" onClick={() => setSharing(b)} disabled={b.photo_count === 0}>Share</Button>
                    <Button size="xs" variant="default" disabled={b.photo_count === 0} onClick={() => downloadWithToken(`/aura/api/bundles/${b.id}/zip`, `${b.name}.zip`).catch(setDownloadError)}>ZIP</Button>
                    <ConfirmButton
                      size="xs"
                      variant="subtle"
                      color="red"
                      title="Delete this bundle?"
                      message="Its photos stay; its shared links stop working."
                      confirmLabel="Delete bundle"
                      onConfirm={async () => {
                        await call(api.DELETE('/aura/api/bundles/{id}', { params: { path: { id: b.id } } }));
                        await queryClient.invalidateQueries({ queryKey: ['aura', 'bundles'] });
                      }}
                    >
                      Delete
                    </ConfirmButton>
                  </Group>
                </Card>
              ))}
            </SimpleGrid>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of bundles" />}
          </Stack>
        )}
      </QueryView>
      <Modal opened={!!sharing} onClose={() => setSharing(null)} title={sharing ? `Share ${sharing.name}` : ''}>
        {sharing && <ShareBundle bundle={sharing} />}
      </Modal>
    </>
  );
}
