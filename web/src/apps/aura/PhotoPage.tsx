import { Button, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { downloadWithToken } from './AuthImage';
import { PhotoWithFaces } from './PhotoFaces';

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
                    // Everything of Aura's is refreshed but this page's own queries (the photo, its
                    // faces), which would answer 404 now; they refresh when the page opens again.
                    await queryClient.invalidateQueries({ queryKey: ['aura'], predicate: (q) => !(q.queryKey[1] === 'photo' && q.queryKey[2] === p.id) });
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
          <PhotoWithFaces photo={p} />
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
