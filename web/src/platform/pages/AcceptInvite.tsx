import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call, fieldError } from '../api';
import { session } from '../session';
import { ErrorMessage } from '../components';
import { AuthLayout } from './AuthLayout';
import { PASSWORD_MIN } from './Signup';
import { useSession } from '../useSession';

/**
 * Where the invitation email links: /invite?token=…. A signed-in person joins with their
 * account; otherwise the password creates the account (or proves an existing one).
 */
export function AcceptInvite() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const signedIn = useSession();
  const form = useForm({
    initialValues: { display_name: '', password: '' },
    validate: { password: (v) => (signedIn || v.length >= PASSWORD_MIN ? null : `Use at least ${PASSWORD_MIN} characters`) },
  });
  const accept = useMutation({
    mutationFn: (values: { display_name: string; password: string }) =>
      call(
        api.POST('/api/v1/invites/accept', {
          body: { token, ...(values.password ? { password: values.password } : {}), ...(values.display_name.trim() ? { display_name: values.display_name.trim() } : {}) },
        }),
      ),
    onSuccess: (result) => {
      if (result?.access_token) session.start(result);
      navigate('/home', { replace: true });
    },
  });
  if (!token) {
    return (
      <AuthLayout title="Join your team">
        <Alert color="red">This invitation link is incomplete. Open the link from the email again.</Alert>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Join your team" subtitle="You have been invited to an organization.">
      <form onSubmit={form.onSubmit((values) => accept.mutate(values))} noValidate>
        <Stack>
          {signedIn ? (
            <Text>
              You are signed in as <b>{signedIn.user.email}</b>. Accept to join with this account.
            </Text>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                New to Tenantry? Choose a password to create your account. Already have one? Enter its password.
              </Text>
              <TextInput label="Your name" autoComplete="name" {...form.getInputProps('display_name')} />
              <PasswordInput label="Password" autoComplete="new-password" required {...form.getInputProps('password')} error={form.errors.password ?? fieldError(accept.error, 'password')} />
            </>
          )}
          <ErrorMessage error={accept.error} />
          <Button type="submit" loading={accept.isPending}>
            Accept the invitation
          </Button>
          {!signedIn && (
            <Anchor component={Link} to={`/login?next=${encodeURIComponent(`/invite?token=${token}`)}`} size="sm">
              Log in first instead
            </Anchor>
          )}
        </Stack>
      </form>
    </AuthLayout>
  );
}
