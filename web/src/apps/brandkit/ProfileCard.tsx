import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, call, fieldError } from '../../platform/api';
import { ErrorMessage, QueryView, formatDate } from '../../platform/components';

/** The seed's profile: full name and phone beside the account (terms were accepted at sign-up). */
export function ProfileCard() {
  const queryClient = useQueryClient();
  const profile = useQuery({ queryKey: ['brandkit', 'profile'], queryFn: () => call(api.GET('/brandkit/api/profile')) });
  const form = useForm({ initialValues: { full_name: '', phone: '' } });
  const { setValues } = form;
  const data = profile.data;
  useEffect(() => {
    if (data) setValues({ full_name: data.full_name ?? '', phone: data.phone ?? '' });
  }, [data, setValues]);
  const save = useMutation({
    mutationFn: (v: { full_name: string; phone: string }) => call(api.PUT('/brandkit/api/profile', { body: { full_name: v.full_name.trim() || null, phone: v.phone.trim() || null } })),
    onSuccess: (p) => queryClient.setQueryData(['brandkit', 'profile'], p),
  });
  return (
    <Card className="bk-card" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Your profile
      </Title>
      <QueryView query={profile}>
        {(p) => (
          <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
            <Stack gap="sm">
              <Text size="sm">
                {p.email} · terms {p.tc_accepted_at ? `accepted ${formatDate(p.tc_accepted_at)}` : 'not accepted yet'}
              </Text>
              <Group align="flex-start" grow wrap="wrap">
                <TextInput label="Full name" {...form.getInputProps('full_name')} error={fieldError(save.error, 'full_name')} />
                <TextInput label="Phone" {...form.getInputProps('phone')} error={fieldError(save.error, 'phone')} />
              </Group>
              <Group>
                <Button type="submit" variant="light" loading={save.isPending}>
                  Save profile
                </Button>
                {save.isSuccess && <Text size="sm">Saved.</Text>}
              </Group>
              {save.isError && <ErrorMessage error={save.error} />}
            </Stack>
          </form>
        )}
      </QueryView>
    </Card>
  );
}
