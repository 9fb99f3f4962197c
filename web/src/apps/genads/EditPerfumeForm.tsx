import { useState } from 'react';
import { Button, Checkbox, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorMessage } from '../../platform/components';
import { upload, type UploadProgress } from '../../platform/upload';
import { apiFieldError, formLevelError } from './errors';
import { FileField } from './FileField';
import { checkImage, IMAGE_TYPES } from './file-checks';
import type { Perfume } from './types';

const ANGLES = ['front', 'back', 'top', 'left', 'right'] as const;
type Angle = (typeof ANGLES)[number];
/** The side angles a perfume may lack; the front photo is required and can only be replaced. */
const OPTIONAL_ANGLES = ['back', 'top', 'left', 'right'] as const;
type OptionalAngle = (typeof OPTIONAL_ANGLES)[number];
const isOptional = (angle: Angle): angle is OptionalAngle => angle !== 'front';
type Gender = Perfume['perfume_gender'];

/**
 * Change a perfume's name, gender or photos (a chosen photo replaces the stored one; photos left
 * empty are kept; a stored side photo can be removed, sent as the API's `remove_images`).
 * Campaigns already generated keep their videos; the next take uses the new photos.
 */
export function EditPerfumeForm({ perfume, onDone }: { perfume: Perfume; onDone(): void }) {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const form = useForm<{ perfume_name: string; perfume_gender: Gender; images: Record<Angle, File | null>; remove: Record<OptionalAngle, boolean> }>({
    initialValues: {
      perfume_name: perfume.perfume_name,
      perfume_gender: perfume.perfume_gender,
      images: { front: null, back: null, top: null, left: null, right: null },
      remove: { back: false, top: false, left: false, right: false },
    },
    validate: {
      perfume_name: (v) => (v.trim().length >= 2 && v.trim().length <= 200 ? null : 'Between 2 and 200 characters'),
      images: Object.fromEntries(ANGLES.map((a) => [a, (f: File | null) => checkImage(f, false)])),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      upload<Perfume>(
        'PUT',
        `/genads/api/perfumes/${perfume.perfume_id}`,
        {
          perfume_name: v.perfume_name.trim(),
          perfume_gender: v.perfume_gender,
          // A new photo for the same angle wins: it replaces rather than removes.
          ...removals(v).length > 0 && { remove_images: removals(v).join(',') },
        },
        ANGLES.flatMap((angle) => (v.images[angle] ? [{ field: `${angle}_image`, file: v.images[angle] }] : [])),
        setProgress,
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
      onDone();
    },
    onError: () => setProgress(null),
  });
  const fields = ['perfume_name', 'perfume_gender', ...ANGLES.map((a) => `${a}_image`)];
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput label="Name" required data-autofocus {...form.getInputProps('perfume_name')} error={form.errors.perfume_name ?? apiFieldError(save.error, 'perfume_name')} />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="edit-gender-label">Gender</Text>
          <SegmentedControl
            aria-labelledby="edit-gender-label"
            data={[{ value: 'feminine', label: 'Feminine' }, { value: 'masculine', label: 'Masculine' }, { value: 'unisex', label: 'Unisex' }]}
            {...form.getInputProps('perfume_gender')}
          />
        </Stack>
        <Text size="sm" c="dimmed">New photos replace the stored ones; leave a photo empty to keep it. Side photos are optional: tick one off to remove it.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {ANGLES.map((angle) => (
            <Stack key={angle} gap={6}>
              <FileField
                label={`New ${angle} photo`}
                accept={IMAGE_TYPES}
                value={form.values.images[angle]}
                onChange={(f) => form.setFieldValue(`images.${angle}`, f)}
                error={(form.errors[`images.${angle}`] as string | undefined) ?? apiFieldError(save.error, `${angle}_image`)}
                progress={progress?.[`${angle}_image`]}
              />
              {isOptional(angle) && perfume[`${angle}_image_url`] && (
                <Checkbox
                  label={`Remove the stored ${angle} photo`}
                  disabled={Boolean(form.values.images[angle])}
                  {...form.getInputProps(`remove.${angle}`, { type: 'checkbox' })}
                />
              )}
            </Stack>
          ))}
        </SimpleGrid>
        <ErrorMessage error={formLevelError(save.error, fields)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={save.isPending}>Save</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The stored side photos ticked for removal, minus those given a new photo. */
function removals(v: { images: Record<Angle, File | null>; remove: Record<OptionalAngle, boolean> }): OptionalAngle[] {
  return OPTIONAL_ANGLES.filter((angle) => v.remove[angle] && !v.images[angle]);
}
