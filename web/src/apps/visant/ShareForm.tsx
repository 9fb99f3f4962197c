import { Anchor, Button, Group, Image, NumberInput, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../../platform/api';
import { ErrorMessage, SecretOnce } from '../../platform/components';

/** Create a public link to a device's gallery; the link and its QR code are shown once. */
export function ShareForm({ deviceId, captureId }: { deviceId: string; captureId?: string }) {
  const queryClient = useQueryClient();
  const form = useForm<{ expires_in_days: number | string; max_views: number | string; password: string }>({
    initialValues: { expires_in_days: 7, max_views: '', password: '' },
    validate: {
      expires_in_days: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 365 ? null : 'Between 1 and 365 days'),
      max_views: (v) => (v === '' || (Number.isInteger(Number(v)) && Number(v) >= 1) ? null : 'A whole number of views, or empty for no limit'),
      password: (v) => (!v || v.length >= 4 ? null : 'At least 4 characters, or empty for no password'),
    },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) =>
      call(
        api.POST('/visant/v1/devices/{id}/share', {
          params: { path: { id: deviceId } },
          body: {
            share_type: captureId ? 'capture' : 'device',
            ...(captureId ? { capture_id: captureId } : {}),
            expires_in_days: Number(values.expires_in_days),
            ...(values.max_views !== '' ? { max_views: Number(values.max_views) } : {}),
            ...(values.password ? { password: values.password } : {}),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['visant', 'share-links'] }),
  });
  if (create.data) {
    const link = create.data;
    return (
      <Stack>
        <SecretOnce label="Public link" secret={link.url} />
        <Group>
          <Anchor href={link.url} target="_blank" rel="noreferrer" data-testid="share-url">
            Open the public page
          </Anchor>
        </Group>
        <Text size="sm">Or scan:</Text>
        <Image src={`${link.qr_url}?format=svg`} alt="QR code of the public link" w={180} h={180} />
      </Stack>
    );
  }
  return (
    <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Anyone with the link sees {captureId ? 'this capture' : "this camera's evaluated captures"}, without logging in.
        </Text>
        <NumberInput label="Expires after (days)" min={1} max={365} {...form.getInputProps('expires_in_days')} error={form.errors.expires_in_days ?? fieldError(create.error, 'expires_in_days')} />
        <NumberInput label="Maximum views" description="Empty: no limit" min={1} {...form.getInputProps('max_views')} />
        <PasswordInput label="Password" description="Optional" autoComplete="new-password" {...form.getInputProps('password')} />
        <ErrorMessage error={create.error} />
        <Button type="submit" loading={create.isPending}>
          Create link
        </Button>
      </Stack>
    </form>
  );
}
