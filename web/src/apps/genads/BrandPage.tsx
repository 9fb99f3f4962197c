import { useState } from 'react';
import { Anchor, Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { upload, type UploadProgress } from '../../platform/upload';
import { apiFieldError, formLevelError } from './errors';
import { FileField } from './FileField';
import { useBrand } from './GenAdsLayout';
import { checkGuidelines, checkImage, GUIDELINE_TYPES, IMAGE_TYPES } from './file-checks';
import type { Brand } from './types';

function BrandForm({ brand }: { brand: Brand }) {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const form = useForm<{ brand_name: string; logo: File | null; guidelines: File | null }>({
    initialValues: { brand_name: brand.brand_name, logo: null, guidelines: null },
    validate: {
      brand_name: (v) => (v.trim().length >= 2 && v.trim().length <= 100 ? null : 'Between 2 and 100 characters'),
      logo: (f) => checkImage(f, false),
      // Optional here: the stored guidelines stay unless new ones are chosen.
      guidelines: (f) => (f ? checkGuidelines(f) : null),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      upload<Brand>('PUT', '/genads/api/brands/me', { brand_name: v.brand_name.trim() }, [
        ...(v.logo ? [{ field: 'logo', file: v.logo }] : []),
        ...(v.guidelines ? [{ field: 'guidelines', file: v.guidelines }] : []),
      ], setProgress),
    onSuccess: async (saved) => {
      form.setValues({ brand_name: saved.brand_name, logo: null, guidelines: null });
      form.resetDirty({ brand_name: saved.brand_name, logo: null, guidelines: null });
      setProgress(null);
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
    },
    onError: () => setProgress(null),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput label="Brand name" required {...form.getInputProps('brand_name')} error={form.errors.brand_name ?? apiFieldError(save.error, 'brand_name')} />
        <FileField
          label="New logo"
          description="PNG, JPG or WebP, up to 5 MB. Leave empty to keep the current logo."
          accept={IMAGE_TYPES}
          value={form.values.logo}
          onChange={(f) => form.setFieldValue('logo', f)}
          error={(form.errors.logo as string | undefined) ?? apiFieldError(save.error, 'logo')}
          progress={progress?.logo}
        />
        <FileField
          label="New brand guidelines"
          description="PDF or Word (DOCX), up to 10 MB. Leave empty to keep the current ones; new ones shape the next generation."
          accept={GUIDELINE_TYPES}
          value={form.values.guidelines}
          onChange={(f) => form.setFieldValue('guidelines', f)}
          error={(form.errors.guidelines as string | undefined) ?? apiFieldError(save.error, 'guidelines')}
          progress={progress?.guidelines}
        />
        <ErrorMessage error={formLevelError(save.error, ['brand_name', 'logo', 'guidelines'])} />
        {save.isSuccess && !form.isDirty() && (
          <Text size="sm" c="teal.9" role="status">Saved: the next take follows the brand as it is now.</Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>Save the brand</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The brand set at onboarding, changed later: its name, logo and guidelines. */
export function BrandPage() {
  const brand = useBrand();
  return (
    <Stack maw={640}>
      <Anchor component={Link} to="/genads" size="sm">← Perfumes</Anchor>
      <Text className="genads-eyebrow">GenAds</Text>
      <PageTitle>Your brand</PageTitle>
      <hr className="genads-rule" />
      <QueryView query={brand}>
        {(b) =>
          b && (
            <Card withBorder className="genads-card" padding="lg">
              <Text size="sm" c="dimmed" mb="md">Last changed {formatDate(b.updated_at)}. Campaigns already generated keep their videos; the next take follows the brand as saved here.</Text>
              <BrandForm brand={b} />
            </Card>
          )
        }
      </QueryView>
    </Stack>
  );
}
