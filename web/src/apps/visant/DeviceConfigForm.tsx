/**
 * A camera's configuration: what "normal" looks like, how often it captures, who is told about
 * an abnormal capture and how often at most. The bounds are the API's (device-config.ts on
 * the server); they are checked here before sending, and the server's own objections are
 * shown next to the field they name.
 */
import { Button, Group, NumberInput, Stack, Switch, Text, Textarea, TagsInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, call, fieldError } from '../../platform/api';
import { ErrorMessage } from '../../platform/components';
import type { Device, DeviceConfig } from '../../api/types';

export const CONFIG_BOUNDS = {
  descriptionMax: 2000,
  intervalSeconds: { min: 5, max: 86_400 },
  recipientsMax: 20,
  cooldownMinutes: { min: 1, max: 10_080 },
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Values {
  normal_description: string;
  trigger_enabled: boolean;
  interval_seconds: number | string;
  email_recipients: string[];
  cooldown_minutes: number | string;
}

function between(value: number | string, { min, max }: { min: number; max: number }, unit: string): string | null {
  const n = typeof value === 'number' ? value : Number.NaN;
  if (!Number.isInteger(n)) return `Enter a whole number of ${unit}`;
  if (n < min || n > max) return `Between ${min.toLocaleString()} and ${max.toLocaleString()} ${unit}`;
  return null;
}

export function DeviceConfigForm({ device }: { device: Device }) {
  const queryClient = useQueryClient();
  const config = device.config;
  const form = useForm<Values>({
    initialValues: {
      normal_description: config.normal_description ?? '',
      trigger_enabled: config.trigger?.enabled ?? true,
      interval_seconds: config.trigger?.interval_seconds ?? 60,
      email_recipients: config.notifications?.email_recipients ?? [],
      cooldown_minutes: config.notifications?.cooldown_minutes ?? 30,
    },
    validate: {
      normal_description: (v) => (v.trim().length > CONFIG_BOUNDS.descriptionMax ? `At most ${CONFIG_BOUNDS.descriptionMax} characters: shorten the description` : null),
      interval_seconds: (v) => between(v, CONFIG_BOUNDS.intervalSeconds, 'seconds'),
      email_recipients: (list) => {
        if (list.length > CONFIG_BOUNDS.recipientsMax) return `At most ${CONFIG_BOUNDS.recipientsMax} recipients: remove some`;
        const bad = list.find((e) => !EMAIL.test(e));
        return bad ? `"${bad}" is not an email address: remove it and type it again` : null;
      },
      cooldown_minutes: (v) => between(v, CONFIG_BOUNDS.cooldownMinutes, 'minutes'),
    },
  });
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body: DeviceConfig = {
        normal_description: v.normal_description.trim(),
        trigger: { enabled: v.trigger_enabled, interval_seconds: Number(v.interval_seconds) },
        notifications: { email_recipients: v.email_recipients, cooldown_minutes: Number(v.cooldown_minutes) },
      };
      return call<DeviceConfig>(api.PUT('/visant/v1/devices/{id}/config', { params: { path: { id: device.device_id } }, body }));
    },
    onSuccess: (saved) => {
      form.resetDirty();
      queryClient.setQueryData<Device>(['visant', 'device', device.device_id], (d) => (d ? { ...d, config: saved } : d));
    },
  });
  // The server names fields by their JSON path; recipients may be named one by one (…email_recipients.3).
  const serverError = (path: string) => fieldError(save.error, path) ?? (save.error && path === 'notifications.email_recipients' ? recipientError(save.error) : undefined);
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate aria-labelledby="device-config-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="device-config-title">
          Configuration
        </Title>
        <Textarea
          label="What normal looks like"
          description="Describe the scene when all is well; each capture is judged against it."
          autosize
          minRows={2}
          maxRows={8}
          {...form.getInputProps('normal_description')}
          error={form.errors.normal_description ?? serverError('normal_description')}
        />
        <Switch label="Capture on a timer" {...form.getInputProps('trigger_enabled', { type: 'checkbox' })} />
        <NumberInput
          label="Capture every (seconds)"
          min={CONFIG_BOUNDS.intervalSeconds.min}
          max={CONFIG_BOUNDS.intervalSeconds.max}
          allowDecimal={false}
          clampBehavior="none"
          {...form.getInputProps('interval_seconds')}
          error={form.errors.interval_seconds ?? serverError('trigger.interval_seconds')}
        />
        <TagsInput
          label="Email these people about abnormal captures"
          description="Type an address and press Enter."
          placeholder="name@example.com"
          {...form.getInputProps('email_recipients')}
          error={form.errors.email_recipients ?? serverError('notifications.email_recipients')}
        />
        <NumberInput
          label="At most one email every (minutes)"
          min={CONFIG_BOUNDS.cooldownMinutes.min}
          max={CONFIG_BOUNDS.cooldownMinutes.max}
          allowDecimal={false}
          clampBehavior="none"
          {...form.getInputProps('cooldown_minutes')}
          error={form.errors.cooldown_minutes ?? serverError('notifications.cooldown_minutes')}
        />
        {save.isError && !fieldErrorNamed(save.error) && <ErrorMessage error={save.error} />}
        {save.isSuccess && !form.isDirty() && (
          <Text size="sm" c="teal.9" role="status">
            Saved. The camera picks it up on its next check-in.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save configuration
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const FIELDS = ['normal_description', 'trigger.interval_seconds', 'notifications.email_recipients', 'notifications.cooldown_minutes'];

function recipientError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.details?.find((x) => x.path?.startsWith('notifications.email_recipients.'))?.message;
}

/** Whether the server's error names one of the form's fields (then it is shown there, not above the button). */
function fieldErrorNamed(error: unknown): boolean {
  return FIELDS.some((f) => fieldError(error, f)) || Boolean(recipientError(error));
}
