import { useState } from 'react';
import { Anchor, Badge, Box, Card, Group, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { AuthImage } from './AuthImage';

type Face = Awaited<ReturnType<typeof loadFaces>>['items'][number];

const loadFaces = (photoId: string) => call(api.GET('/aura/api/photos/{id}/faces', { params: { path: { id: photoId } } }));

/** Left to right, as the API lists them: the unnamed are told apart by their place. */
const personLabel = (face: Face, index: number) => (face.person ? face.person.name ?? `Unnamed person ${index + 1}` : `Face ${index + 1}, not grouped yet`);

/**
 * The photo at the largest size the screen allows, with a box on each face found in it (the
 * boxes are fractions of the picture, so they sit on the faces at any size), each linking to
 * its person, and the same people listed beneath for keyboards and small screens. People an
 * admin hid are left out, as they are from the people list.
 */
export function PhotoWithFaces({ photo }: { photo: { id: string; original_name: string; width: number | null; height: number | null; created_at: string; urls: { full: string } } }) {
  const [showFaces, setShowFaces] = useState(true);
  const faces = useQuery({
    queryKey: ['aura', 'photo', photo.id, 'faces'],
    queryFn: () => loadFaces(photo.id),
    // A new photo's faces come from a job moments after its upload: look again for two minutes.
    refetchInterval: (q) => (q.state.data?.items.length === 0 && Date.now() - Date.parse(photo.created_at) < 120_000 ? 2000 : false),
  });
  const shown = (faces.data?.items ?? []).filter((f) => !f.person?.hidden);
  const aspect = photo.width && photo.height ? photo.width / photo.height : null;
  return (
    <>
      <Card withBorder p={0}>
        {aspect ? (
          <Box pos="relative" mx="auto" style={{ aspectRatio: String(aspect), width: `min(100%, calc(70vh * ${aspect}))` }}>
            <AuthImage url={photo.urls.full} alt={photo.original_name} h="100%" fit="contain" />
            {showFaces && shown.map((face, i) => face.fraction && <FaceBox key={face.id} face={face} label={personLabel(face, i)} />)}
          </Box>
        ) : (
          <AuthImage url={photo.urls.full} alt={photo.original_name} h="70vh" fit="contain" />
        )}
      </Card>
      <Group mt="sm" justify="space-between" wrap="wrap">
        <Group gap="xs" data-testid="photo-people">
          <Text size="sm" fw={500}>People in this photo:</Text>
          {faces.isPending ? (
            <Text size="sm" c="dimmed">looking…</Text>
          ) : shown.length === 0 ? (
            <Text size="sm" c="dimmed">none found (faces are found moments after the upload)</Text>
          ) : (
            shown.map((face, i) =>
              face.person ? (
                <Badge key={face.id} component={Link} to={`/aura/admin/people/${face.person.id}`} variant="light" tt="none" style={{ cursor: 'pointer' }}>
                  {personLabel(face, i)}
                </Badge>
              ) : (
                <Badge key={face.id} variant="outline" color="gray" tt="none">{personLabel(face, i)}</Badge>
              ),
            )
          )}
        </Group>
        {shown.length > 0 && <Switch label="Show faces" checked={showFaces} onChange={(e) => setShowFaces(e.currentTarget.checked)} />}
      </Group>
    </>
  );
}

function FaceBox({ face, label }: { face: Face; label: string }) {
  const f = face.fraction!;
  const style = {
    left: `${f.x * 100}%`,
    top: `${f.y * 100}%`,
    width: `${f.width * 100}%`,
    height: `${f.height * 100}%`,
    border: '2px solid white',
    boxShadow: '0 0 0 1px rgba(0, 0, 0, 0.7)',
    borderRadius: 4,
  };
  if (!face.person) return <Box pos="absolute" style={style} data-testid="face-box" title={label} />;
  return <Anchor component={Link} to={`/aura/admin/people/${face.person.id}`} pos="absolute" style={style} data-testid="face-box" aria-label={`${label}: their photos`} title={label} />;
}
