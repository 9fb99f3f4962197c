import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api';
import { session } from '../session';
import { ErrorMessage } from '../components';
import { AuthLayout } from './AuthLayout';
import { PASSWORD_MIN } from './Signup';

/** Where the password-reset email links: /reset-password?token=… */
export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) => (v.length >= PASSWORD_MIN ? null : `Use at least ${PASSWORD_MIN} characters`),
      confirm: (v, values) => (v === values.password ? null : 'The two passwords differ'),
    },
  });
  const reset = useMutation({
    mutationFn: (password: string) => call<null>(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } })),
    // A reset ends every session of the account, this browser's included.
    onSuccess: () => session.end(null),
  });
  if (!token) {
    return (
      <AuthLayout title="Reset your password">
        <Alert color="red">This link is incomplete. Open the link from the email again, or ask for a new one.</Alert>
        <Anchor component={Link} to="/forgot-password" mt="md" display="block">
          Ask for a new link
        </Anchor>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Choose a new password">
      {reset.isSuccess ? (
        <Stack>
          <Alert color="teal" title="Password changed">
            Log in with your new password. Every other session of your account has been signed out.
          </Alert>
          <Anchor component={Link} to="/login">
            Log in
          </Anchor>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((values) => reset.mutate(values.password))} noValidate>
          <Stack>
            <PasswordInput label="New password" description={`At least ${PASSWORD_MIN} characters`} autoComplete="new-password" required {...form.getInputProps('password')} />
            <PasswordInput label="Repeat it" autoComplete="new-password" required {...form.getInputProps('confirm')} />
            <ErrorMessage error={reset.error} />
            <Button type="submit" loading={reset.isPending}>
              Change password
            </Button>
            {reset.isError && (
              <Anchor component={Link} to="/forgot-password" size="sm">
                Ask for a new link
              </Anchor>
            )}
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
