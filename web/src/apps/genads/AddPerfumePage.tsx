import { useState } from 'react';
import { Anchor, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { ErrorMessage, PageTitle } from '../../platform/components';
import { upload, type UploadProgress } from '../../platform/upload';
import { apiFieldError, formLevelError } from './errors';
import { FileField } from './FileField';
import { checkImage, IMAGE_TYPES } from './file-checks';
import type { CreatedPerfume } from './types';

const ANGLES = [
  { angle: 'front', label: 'Front', hint: 'Required: the photo the ads are built from' },
  { angle: 'back', label: 'Back', hint: 'Optional' },
  { angle: 'top', label: 'Top', hint: 'Optional' },
  { angle: 'left', label: 'Left', hint: 'Optional' },
  { angle: 'right', label: 'Right', hint: 'Optional' },
] as const;
type Angle = (typeof ANGLES)[number]['angle'];
type Gender = 'masculine' | 'feminine' | 'unisex';

/** A new perfume with its five angle photos; the front one is required. Each file shows its own upload progress. */
export function AddPerfumePage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const form = useForm<{ perfume_name: string; perfume_gender: Gender; images: Record<Angle, File | null> }>({
    initialValues: { perfume_name: '', perfume_gender: 'unisex', images: { front: null, back: null, top: null, left: null, right: null } },
    validate: {
      perfume_name: (v) => (v.trim().length >= 2 && v.trim().length <= 200 ? null : 'Between 2 and 200 characters'),
      images: {
        front: (f) => checkImage(f, true),
        back: (f) => checkImage(f, false),
        top: (f) => checkImage(f, false),
        left: (f) => checkImage(f, false),
        right: (f) => checkImage(f, false),
      },
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      upload<CreatedPerfume>(
        'POST',
        '/genads/api/perfumes',
        { perfume_name: v.perfume_name.trim(), perfume_gender: v.perfume_gender },
        ANGLES.flatMap(({ angle }) => (v.images[angle] ? [{ field: `${angle}_image`, file: v.images[angle] }] : [])),
        setProgress,
      ),
    onSuccess: async (perfume) => {
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
      navigate(`/genads/perfumes/${perfume.perfume_id}`);
    },
    onError: () => setProgress(null),
  });
  const fields = ['perfume_name', 'perfume_gender', ...ANGLES.map((a) => `${a.angle}_image`)];
  return (
    <Stack maw={860}>
      <Anchor component={Link} to="/genads" size="sm">← Perfumes</Anchor>
      <PageTitle>Add a perfume</PageTitle>
      <hr className="genads-rule" />
      <Card withBorder className="genads-card" padding="lg">
        <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
          <Stack>
            <TextInput label="Name" required {...form.getInputProps('perfume_name')} error={form.errors.perfume_name ?? apiFieldError(create.error, 'perfume_name')} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="gender-label">Gender</Text>
              <SegmentedControl
                aria-labelledby="gender-label"
                data={[{ value: 'feminine', label: 'Feminine' }, { value: 'masculine', label: 'Masculine' }, { value: 'unisex', label: 'Unisex' }]}
                {...form.getInputProps('perfume_gender')}
              />
            </Stack>
            <Text size="sm" c="dimmed">Photos: PNG, JPG or WebP, up to 5 MB each. A plain background gives the cleanest cut-out.</Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {ANGLES.map(({ angle, label, hint }) => (
                <FileField
                  key={angle}
                  label={`${label} photo`}
                  description={hint}
                  accept={IMAGE_TYPES}
                  required={angle === 'front'}
                  value={form.values.images[angle]}
                  onChange={(f) => form.setFieldValue(`images.${angle}`, f)}
                  error={(form.errors[`images.${angle}`] as string | undefined) ?? apiFieldError(create.error, `${angle}_image`)}
                  progress={progress?.[`${angle}_image`]}
                />
              ))}
            </SimpleGrid>
            <ErrorMessage error={formLevelError(create.error, fields)} />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/genads">Cancel</Button>
              <Button type="submit" loading={create.isPending}>Add perfume</Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
