import { Button, Group, NumberInput, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api, call, fieldError } from '../../api';
import { ErrorMessage } from '../../components';
import type { AdminOrg } from '../../../api/types';
import { GB, PLANS, storageLimitError } from './limits';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A new organization, with its first admin (owner) when an email is given. */
export function CreateOrg({ onCreated }: { onCreated: (org: AdminOrg) => void }) {
  const form = useForm({
    initialValues: { name: '', plan: 'free' as (typeof PLANS)[number], storage_gb: 5 as number | string, owner_email: '', owner_password: '' },
    validate: {
      name: (v) => (!v.trim() ? 'Name the organization' : v.trim().length > 120 ? 'At most 120 characters' : null),
      storage_gb: storageLimitError,
      owner_email: (v) => (v && !EMAIL.test(v.trim()) ? 'Enter an email address, or leave it empty to add people later' : null),
      owner_password: (v, values) =>
        values.owner_email && v.length < 8 ? 'At least 8 characters (the owner can change it later)' : v.length > 256 ? 'At most 256 characters' : null,
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(
        api.POST('/api/v1/admin/orgs', {
          body: {
            name: v.name.trim(),
            plan: v.plan,
            storage_limit_bytes: Math.round(Number(v.storage_gb) * GB),
            owner_email: v.owner_email.trim() || undefined,
            owner_password: v.owner_email.trim() ? v.owner_password : undefined,
          },
        }),
      ),
    onSuccess: (org) => {
      form.reset();
      onCreated(org);
    },
  });
  const err = (field: string) => fieldError(create.error, field);
  return (
    <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate aria-label="Create an organization">
      <Stack gap="sm">
        <TextInput label="Organization name" required {...form.getInputProps('name')} error={form.errors.name ?? err('name')} />
        <Group grow align="flex-start">
          <Select label="Plan" data={[...PLANS]} allowDeselect={false} {...form.getInputProps('plan')} />
          <NumberInput label="Storage limit (GB)" min={0} decimalScale={2} {...form.getInputProps('storage_gb')} error={form.errors.storage_gb ?? err('storage_limit_bytes')} />
        </Group>
        <Text size="sm" c="dimmed">
          Its first admin: an existing account joins as owner (the password is then ignored); a new email gets an account with this password.
        </Text>
        <TextInput label="First admin's email" {...form.getInputProps('owner_email')} error={form.errors.owner_email ?? err('owner_email')} />
        <PasswordInput label="First admin's password" {...form.getInputProps('owner_password')} error={form.errors.owner_password ?? err('owner_password')} />
        <ErrorMessage error={create.isError && !err('name') && !err('owner_email') && !err('owner_password') ? create.error : null} />
        <Group>
          <Button type="submit" loading={create.isPending}>
            Create organization
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
