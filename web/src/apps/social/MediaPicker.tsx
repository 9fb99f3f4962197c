import { useState } from 'react';
import { FileButton, Button, Group, MultiSelect, Progress, Stack } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { ErrorMessage } from '../../platform/components';
import { upload } from '../../platform/upload';
import { MediaThumbnail } from './MediaThumbnail';
import type { Media } from './types';

export function useMediaLibrary() {
  return useQuery({
    queryKey: ['social', 'media', 'picker'],
    queryFn: async () => (await call(api.GET('/social/api/media', { params: { query: { limit: 100 } } }))).data.items,
    // A new image's thumbnail comes moments after its upload.
    refetchInterval: (q) => (q.state.data?.some((m) => m.media_type === 'image' && !m.thumbnail_ready) ? 2000 : false),
  });
}

/** Send one file to the library (its own progress); resolves with the stored file. */
export async function uploadMedia(file: File, fields: Record<string, string>, onProgress: (p: number) => void): Promise<Media> {
  const body = await upload<{ data: Media }>('POST', '/social/api/media', { name: file.name, ...fields }, [{ field: 'file', file }], (p) => onProgress(p.file ?? 0));
  return body.data;
}

/** Pick library files in order for a post (or one network), or upload a new one straight into the list. */
export function MediaPicker({ label, value, onChange }: { label: string; value: string[]; onChange: (ids: string[]) => void }) {
  const library = useMediaLibrary();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const send = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const stored = await uploadMedia(file, {}, setProgress);
      await queryClient.invalidateQueries({ queryKey: ['social', 'media'] });
      onChange([...value, stored.id]);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };
  return (
    <Stack gap={4}>
      <Group align="flex-end" wrap="wrap">
        <MultiSelect
          style={{ flex: 1, minWidth: 220 }}
          label={label}
          placeholder={value.length ? undefined : 'Choose from the library'}
          data={(library.data ?? []).map((m) => ({ value: m.id, label: `${m.name} (${m.media_type})` }))}
          value={value}
          onChange={onChange}
          searchable
          clearable
          nothingFoundMessage={library.isPending ? 'Loading…' : 'No file by that name'}
        />
        <FileButton onChange={(f) => void send(f)} accept="image/jpeg,image/png,image/webp,image/gif,video/mp4">
          {(props) => (
            <Button variant="default" {...props} aria-label={`Upload a file for ${label.toLowerCase()}`}>
              Upload…
            </Button>
          )}
        </FileButton>
      </Group>
      {value.length > 0 && (
        <Group gap={6} aria-label={`${label}: chosen files`} role="list">
          {value.map((id) => {
            const m = library.data?.find((x) => x.id === id);
            return m ? <div role="listitem" key={id}><MediaThumbnail media={m} size={48} /></div> : null;
          })}
        </Group>
      )}
      {progress !== null && <Progress value={progress * 100} aria-label="Upload progress" />}
      <ErrorMessage error={error} />
    </Stack>
  );
}
