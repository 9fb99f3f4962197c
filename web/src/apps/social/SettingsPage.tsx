import { useMemo } from 'react';
import { Button, Group, NumberInput, Select, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../../platform/api';
import { ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { useIsAdmin, useSettings } from './hooks';
import { timeZones } from './ScheduleFields';
import type { Settings } from './types';

const HASHTAG = /^#?[\p{L}\p{N}_]{1,100}$/u;

/** The workspace's settings (admins change them): approval required, time zone, default hashtags, near-duplicate threshold. */
export function SettingsPage() {
  const settings = useSettings();
  return (
    <Stack maw={640}>
      <PageTitle>Workspace settings</PageTitle>
      <QueryView query={settings}>{(s) => <SettingsForm settings={s} />}</QueryView>
    </Stack>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const zones = useMemo(() => timeZones(settings.timezone), [settings.timezone]);
  const form = useForm({
    initialValues: { ...settings, near_duplicate_threshold: Math.round(settings.near_duplicate_threshold * 100) },
    validate: {
      default_hashtags: (tags) => (tags.length > 30 ? 'At most 30 hashtags' : tags.find((t) => !HASHTAG.test(t)) ? `“${tags.find((t) => !HASHTAG.test(t))}” is not a hashtag: letters, digits or _` : null),
      near_duplicate_threshold: (v) => (typeof v === 'number' && v >= 50 && v <= 100 ? null : 'Between 50 and 100 %'),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.PUT('/social/api/settings', { body: { approval_required: v.approval_required, timezone: v.timezone, default_hashtags: v.default_hashtags, near_duplicate_threshold: v.near_duplicate_threshold / 100 } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['social'] }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        {!isAdmin && <Text size="sm" c="dimmed">Only workspace admins change these.</Text>}
        <Switch label="Posts need an admin's approval before they are scheduled or published" disabled={!isAdmin} {...form.getInputProps('approval_required', { type: 'checkbox' })} />
        <Select label="Time zone" description="Used by the calendar and for new posts' slots" data={zones} searchable allowDeselect={false} disabled={!isAdmin} {...form.getInputProps('timezone')} error={form.errors.timezone ?? fieldError(save.error, 'timezone')} />
        <TagsInput label="Default hashtags" description="Up to 30" disabled={!isAdmin} {...form.getInputProps('default_hashtags')} />
        <NumberInput label="Near-duplicate warning at" description="How alike two posts' words must be (50–100 %) for a warning" suffix=" %" min={50} max={100} disabled={!isAdmin} {...form.getInputProps('near_duplicate_threshold')} />
        <ErrorMessage error={save.error} />
        {save.isSuccess && <Text size="sm" c="teal.9">Saved.</Text>}
        {isAdmin && <Group><Button type="submit" loading={save.isPending}>Save settings</Button></Group>}
      </Stack>
    </form>
  );
}
