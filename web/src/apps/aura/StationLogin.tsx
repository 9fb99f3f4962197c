import { useState } from 'react';
import { Alert, Button, Container, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { paths } from '../../api/schema';
import { ApiError, api, call } from '../../platform/api';
import { ErrorMessage } from '../../platform/components';
import { session } from '../../platform/session';
import { upload } from '../../platform/upload';
import { SelfiePicker } from './SelfiePicker';

type AuthResult = paths['/aura/api/auth/face-login']['post']['responses'][200]['content']['application/json'];

/**
 * The capture station's login: the studio's slug and the employee's PIN; tokens kept like a
 * normal login. Where the studio asks for the face too (the server answers FACE_REQUIRED), a
 * selfie follows the PIN, and both go to the face login together: never the face alone.
 */
export function StationLogin() {
  const navigate = useNavigate();
  const [faceStep, setFaceStep] = useState(false);
  const form = useForm({
    initialValues: { org_slug: localStorage.getItem('aura.station.slug') ?? '', pin: '' },
    validate: {
      org_slug: (v) => (v.trim() ? null : "Enter the studio's short name (ask your admin)"),
      pin: (v) => (/^\d{4,8}$/.test(v) ? null : 'Your PIN is 4 to 8 digits'),
    },
  });
  const started = async (result: AuthResult, slug: string) => {
    localStorage.setItem('aura.station.slug', slug);
    session.start(result);
    await navigate('/aura/capture');
  };
  const login = useMutation({
    mutationFn: (v: typeof form.values) => call(api.POST('/aura/api/auth/station', { body: { org_slug: v.org_slug.trim(), pin: v.pin } })),
    onSuccess: (result, v) => started(result, v.org_slug.trim()),
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'FACE_REQUIRED') setFaceStep(true);
    },
  });
  const faceLogin = useMutation({
    mutationFn: (selfie: File) => upload<AuthResult>('POST', '/aura/api/auth/face-login', { org_slug: form.values.org_slug.trim(), pin: form.values.pin }, [{ field: 'selfie', file: selfie }]),
    onSuccess: (result) => started(result, form.values.org_slug.trim()),
  });
  return (
    <Container size={420} py="xl">
      <main>
        <Title order={1} mb="md">Capture station</Title>
        <Paper withBorder p="lg">
          {faceStep ? (
            <Stack>
              <Text>This studio asks for your face with your PIN. Take a selfie facing the camera, alone, in good light.</Text>
              <SelfiePicker onSelfie={(file) => faceLogin.mutate(file)} disabled={faceLogin.isPending} color="blue" />
              {faceLogin.isPending ? <Text size="sm">Checking…</Text> : null}
              <ErrorMessage error={faceLogin.error} />
              <Button variant="subtle" onClick={() => { setFaceStep(false); faceLogin.reset(); login.reset(); form.setFieldValue('pin', ''); }}>Back to the PIN</Button>
            </Stack>
          ) : (
            <form onSubmit={form.onSubmit((v) => login.mutate(v))} noValidate>
              <Stack>
                <TextInput label="Studio" autoComplete="organization" {...form.getInputProps('org_slug')} />
                <PasswordInput label="PIN" inputMode="numeric" autoComplete="off" {...form.getInputProps('pin')} />
                {login.error instanceof ApiError && login.error.code === 'FACE_REQUIRED' ? null : <ErrorMessage error={login.error} />}
                <Button type="submit" loading={login.isPending} size="md">Start</Button>
              </Stack>
            </form>
          )}
        </Paper>
        {faceStep ? <Alert mt="md" color="blue" title="Why a face?">The PIN says who you are; your face confirms it. A face alone never opens the station.</Alert> : null}
      </main>
    </Container>
  );
}
