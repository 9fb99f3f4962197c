import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { api, call } from '../api';
import { session } from '../session';
import { ErrorMessage } from '../components';
import { AuthLayout } from './AuthLayout';
import { useSession } from '../useSession';

export function Login() {
  const navigate = useNavigate();
  const location = useLocation();
  const signedIn = useSession();
  // Read while rendering, forgotten once shown: React may render and discard this page more
  // than once before showing it (router navigations are transitions), so taking the reason
  // in the first render would lose it ("You are logged out." never appeared).
  const [ended] = useState(() => session.peekEndedReason());
  useEffect(() => void session.takeEndedReason(), []);
  const next = new URLSearchParams(location.search).get('next') ?? '/home';
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });
  const login = useMutation({
    mutationFn: (values: { email: string; password: string }) => call(api.POST('/api/v1/auth/login', { body: values })),
    onSuccess: (result) => {
      session.start(result);
      navigate(next.startsWith('/') ? next : '/home', { replace: true });
    },
  });
  if (signedIn && !login.isSuccess) return <Navigate to={next} replace />;
  return (
    <AuthLayout title="Log in" subtitle={<>New here? <Anchor component={Link} to="/signup">Create an account</Anchor></>}>
      <form onSubmit={form.onSubmit((values) => login.mutate(values))} noValidate>
        <Stack>
          {ended && <Alert color="blue">{ended}</Alert>}
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
          <ErrorMessage error={login.error} />
          <Button type="submit" loading={login.isPending}>
            Log in
          </Button>
          <Text size="sm">
            <Anchor component={Link} to="/forgot-password">
              Forgot your password?
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
