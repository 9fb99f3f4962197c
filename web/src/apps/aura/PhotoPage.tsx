import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { AuthImage, downloadWithToken } from './AuthImage';

export function PhotoPage() {
  const { photoId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const photo = useQuery({ queryKey: ['aura', 'photo', photoId], queryFn: () => call(api.GET('/aura/api/photos/{id}', { params: { path: { id: photoId } } })) });
  return (
    <QueryView query={photo}>
      {(p) => (
        <>
          <PageTitle
            actions={
              <Group>
                <Button variant="default" onClick={() => void downloadWithToken(p.urls.original, p.original_name)}>Download original</Button>
                <ConfirmButton
                  color="red"
                  variant="default"
                  title="Move this photo to trash?"
                  message="It leaves the gallery, bundles and searches; an admin can restore it from Trash until the retention period ends."
                  confirmLabel="Move to trash"
                  onConfirm={async () => {
                    await call(api.DELETE('/aura/api/photos/{id}', { params: { path: { id: p.id } } }));
                    await queryClient.invalidateQueries({ queryKey: ['aura'] });
                    await navigate('/aura/admin/photos');
                  }}
                >
                  Delete
                </ConfirmButton>
              </Group>
            }
          >
            {p.original_name}
          </PageTitle>
          <Card withBorder p={0}>
            <AuthImage url={p.urls.full} alt={p.original_name} h="70vh" fit="contain" />
          </Card>
          <Stack gap={2} mt="sm">
            <Text size="sm">Taken: {p.photo_date ? formatDate(p.photo_date) : 'unknown (no EXIF date)'}</Text>
            <Text size="sm">Uploaded: {formatDate(p.created_at)} · {p.width}×{p.height} · {(p.size_bytes / 1e6).toFixed(1)} MB · {p.source_type}</Text>
            <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>{p.full_path}</Text>
          </Stack>
        </>
      )}
    </QueryView>
  );
}
