import { Anchor, Button, Checkbox, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, call, fieldError } from '../api';
import { session } from '../session';
import { ErrorMessage } from '../components';
import { AuthLayout } from './AuthLayout';

export const PASSWORD_MIN = 8;

export function Signup() {
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { org_name: '', email: '', password: '', accept_terms: false },
    validate: {
      org_name: (v) => (v.trim() ? null : 'Name your studio or company'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= PASSWORD_MIN ? null : `Use at least ${PASSWORD_MIN} characters`),
      accept_terms: (v) => (v ? null : 'Accept the terms to continue'),
    },
  });
  const signup = useMutation({
    mutationFn: (values: typeof form.values) => call(api.POST('/api/v1/auth/signup', { body: { ...values, org_name: values.org_name.trim() } })),
    onSuccess: (result) => {
      session.start(result);
      navigate('/home', { replace: true });
    },
  });
  return (
    <AuthLayout title="Create your account" subtitle={<>Already have one? <Anchor component={Link} to="/login">Log in</Anchor></>}>
      <form onSubmit={form.onSubmit((values) => signup.mutate(values))} noValidate>
        <Stack>
          <TextInput label="Studio or company" autoComplete="organization" required {...form.getInputProps('org_name')} />
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} error={form.errors.email ?? fieldError(signup.error, 'email')} />
          <PasswordInput
            label="Password"
            description={`At least ${PASSWORD_MIN} characters`}
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
            error={form.errors.password ?? fieldError(signup.error, 'password')}
          />
          <Checkbox label="I accept the terms of service" {...form.getInputProps('accept_terms', { type: 'checkbox' })} />
          <ErrorMessage error={signup.error} />
          <Button type="submit" loading={signup.isPending}>
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
