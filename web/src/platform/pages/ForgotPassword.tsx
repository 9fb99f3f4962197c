import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../api';
import { ErrorMessage } from '../components';
import { AuthLayout } from './AuthLayout';

export function ForgotPassword() {
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v) ? null : 'Enter your email address') },
  });
  const request = useMutation({
    mutationFn: (values: { email: string }) => call(api.POST('/api/v1/auth/password-reset/request', { body: values })),
  });
  return (
    <AuthLayout title="Reset your password" subtitle="We email you a link to choose a new one.">
      {request.isSuccess ? (
        <Stack>
          <Alert color="teal" title="Check your email">
            {request.data.message}. The link works once, for one hour.
          </Alert>
          <Anchor component={Link} to="/login">
            Back to log in
          </Anchor>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((values) => request.mutate(values))} noValidate>
          <Stack>
            <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
            <ErrorMessage error={request.error} />
            <Button type="submit" loading={request.isPending}>
              Send the link
            </Button>
            <Anchor component={Link} to="/login" size="sm">
              Back to log in
            </Anchor>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
