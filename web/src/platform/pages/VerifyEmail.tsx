import { useEffect, useRef } from 'react';
import { Alert, Anchor, Center, Loader, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api';
import { ErrorMessage } from '../components';
import { AuthLayout } from './AuthLayout';
import { useSession } from '../useSession';

/** Where the verification email links: /verify-email?token=… confirms on arrival. */
export function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const signedIn = useSession();
  const verify = useMutation({ mutationFn: () => call<null>(api.POST('/api/v1/auth/verify-email/confirm', { body: { token } })) });
  const sent = useRef(false);
  useEffect(() => {
    // The token is single-use: confirm once, even when React runs effects twice in development.
    if (token && !sent.current) {
      sent.current = true;
      verify.mutate();
    }
  }, [token, verify]);
  const next = signedIn ? { to: '/home', label: 'Continue' } : { to: '/login', label: 'Log in' };
  return (
    <AuthLayout title="Confirm your email">
      <Stack>
        {!token && <Alert color="red">This link is incomplete. Open the link from the email again.</Alert>}
        {verify.isPending && (
          <Center py="md">
            <Loader role="status" aria-label="Confirming" />
          </Center>
        )}
        {verify.isSuccess && (
          <Alert color="teal" title="Email confirmed">
            Thank you: your email address is confirmed.
          </Alert>
        )}
        <ErrorMessage error={verify.error} />
        <Anchor component={Link} to={next.to}>
          {next.label}
        </Anchor>
      </Stack>
    </AuthLayout>
  );
}
