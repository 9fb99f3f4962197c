import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../../api/schema';
import { api, call } from '../../platform/api';
import { ErrorMessage, formatDate } from '../../platform/components';
import { upload } from '../../platform/upload';
import { SelfiePicker } from './SelfiePicker';

type Enrolment = paths['/aura/api/me/face']['get']['responses'][200]['content']['application/json'];

/**
 * The employee's own face for the station's face + PIN login: enrol with a selfie (only its
 * descriptor is kept, never the picture), replace it, or remove it.
 */
export function FaceEnrolment() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['aura', 'me', 'face'], queryFn: () => call(api.GET('/aura/api/me/face')) });
  const done = () => queryClient.invalidateQueries({ queryKey: ['aura', 'me', 'face'] });
  const enrol = useMutation({
    mutationFn: (selfie: File) => upload<Enrolment>('PUT', '/aura/api/me/face', {}, [{ field: 'selfie', file: selfie }]),
    onSuccess: done,
  });
  const remove = useMutation({ mutationFn: () => call(api.DELETE('/aura/api/me/face')), onSuccess: done });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">Face login</Title>
      <Stack gap="xs">
        <Text size="sm">
          {status.data?.enrolled
            ? `Your face is enrolled (${formatDate(status.data.enrolled_at)}). Where your studio turned face login on, the station asks for it with your PIN.`
            : 'Enrol your face once, so the station can confirm your PIN with it where your studio turned face login on. Only a description of the face is kept, never the picture.'}
        </Text>
        <SelfiePicker onSelfie={(file) => enrol.mutate(file)} disabled={enrol.isPending} color="blue" fileLabel={status.data?.enrolled ? 'Replace with a new selfie' : 'Enrol with a selfie'} />
        {enrol.isSuccess ? <Text size="sm" c="teal.9">Face enrolled.</Text> : null}
        {status.data?.enrolled ? (
          <Group>
            <Button variant="subtle" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>Remove my face</Button>
          </Group>
        ) : null}
        <ErrorMessage error={enrol.error ?? remove.error} />
      </Stack>
    </Card>
  );
}
