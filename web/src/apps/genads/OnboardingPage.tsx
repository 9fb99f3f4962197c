import { useState } from 'react';
import { Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ErrorMessage, PageTitle } from '../../platform/components';
import { upload, type UploadProgress } from '../../platform/upload';
import { apiFieldError, formLevelError } from './errors';
import { FileField } from './FileField';
import type { OnboardedBrand } from './types';
import { checkGuidelines, checkImage, GUIDELINE_TYPES, IMAGE_TYPES } from './file-checks';


/** The seed's mandatory onboarding: brand name, logo and guidelines, once per organisation. */
export function OnboardingPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const form = useForm<{ brand_name: string; logo: File | null; guidelines: File | null }>({
    initialValues: { brand_name: '', logo: null, guidelines: null },
    validate: {
      brand_name: (v) => (v.trim().length >= 2 && v.trim().length <= 100 ? null : 'Between 2 and 100 characters'),
      logo: (f) => checkImage(f, true),
      guidelines: checkGuidelines,
    },
  });
  const onboard = useMutation({
    mutationFn: (v: typeof form.values) =>
      upload<OnboardedBrand>('POST', '/genads/api/brands/onboard', { brand_name: v.brand_name.trim() }, [
        { field: 'logo', file: v.logo! },
        { field: 'guidelines', file: v.guidelines! },
      ], setProgress),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
      navigate('/genads');
    },
    onError: () => setProgress(null),
  });
  const fields = ['brand_name', 'logo', 'guidelines'];
  return (
    <Stack maw={640}>
      <Text className="genads-eyebrow">GenAds</Text>
      <PageTitle>Set up your brand</PageTitle>
      <hr className="genads-rule" />
      <Text>Your logo and guidelines shape every ad GenAds makes: its colours, its tone, and what it must never do.</Text>
      <Card withBorder className="genads-card" padding="lg">
        <form onSubmit={form.onSubmit((v) => onboard.mutate(v))} noValidate>
          <Stack>
            <TextInput label="Brand name" required {...form.getInputProps('brand_name')} error={form.errors.brand_name ?? apiFieldError(onboard.error, 'brand_name')} />
            <FileField
              label="Logo"
              description="PNG, JPG or WebP, up to 5 MB"
              accept={IMAGE_TYPES}
              required
              value={form.values.logo}
              onChange={(f) => form.setFieldValue('logo', f)}
              error={(form.errors.logo as string | undefined) ?? apiFieldError(onboard.error, 'logo')}
              progress={progress?.logo}
            />
            <FileField
              label="Brand guidelines"
              description="PDF or Word (DOCX), up to 10 MB"
              accept={GUIDELINE_TYPES}
              required
              value={form.values.guidelines}
              onChange={(f) => form.setFieldValue('guidelines', f)}
              error={(form.errors.guidelines as string | undefined) ?? apiFieldError(onboard.error, 'guidelines')}
              progress={progress?.guidelines}
            />
            <ErrorMessage error={formLevelError(onboard.error, fields)} />
            <Group justify="flex-end">
              <Button type="submit" loading={onboard.isPending}>Complete onboarding</Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
