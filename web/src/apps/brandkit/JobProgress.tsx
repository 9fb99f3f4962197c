import { Alert, Progress, Stack, Text } from '@mantine/core';
import type { Job } from './types';

/** A running job's progress in words and as a bar; a failed one's reason in the server's words. */
export function JobProgress({ job, label }: { job: Job | null; label: string }) {
  if (!job) return null;
  if (job.state === 'failed' || job.state === 'cancelled') {
    return (
      <Alert color="red" title={`${label} failed`} role="alert">
        {job.error ?? 'The job stopped without saying why. Try again.'}
      </Alert>
    );
  }
  const done = job.state === 'completed';
  return (
    <Stack gap={4} data-testid="job-progress" aria-live="polite">
      <Text size="sm">
        {label}: {done ? 'done' : `${job.stage ?? job.state} (${job.progress}%)`}
      </Text>
      <Progress value={done ? 100 : Math.max(job.progress, 3)} animated={!done} aria-label={`${label} progress`} />
    </Stack>
  );
}
