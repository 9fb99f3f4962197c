import { FileInput, Progress, Stack, Text } from '@mantine/core';

/** A file input with its own upload progress bar and the API's message about it. */
export function FileField({
  label,
  description,
  accept,
  required,
  value,
  onChange,
  error,
  progress,
}: {
  label: string;
  description?: string;
  accept: string;
  required?: boolean;
  value: File | null;
  onChange(file: File | null): void;
  error?: string;
  /** 0-1 while uploading, undefined otherwise. */
  progress?: number;
}) {
  return (
    <Stack gap={4}>
      <FileInput label={label} description={description} accept={accept} required={required} value={value} onChange={onChange} error={error} clearable clearButtonProps={{ 'aria-label': `Remove the ${label.toLowerCase()}` }} placeholder="Choose a file" />
      {progress !== undefined && value && (
        <>
          <Progress value={progress * 100} size="sm" color="dark" aria-label={`Upload of ${label}`} transitionDuration={150} />
          <Text size="xs" c="dimmed" aria-live="polite">
            {progress >= 1 ? `${value.name}: uploaded` : `${value.name}: ${Math.round(progress * 100)}%`}
          </Text>
        </>
      )}
    </Stack>
  );
}
