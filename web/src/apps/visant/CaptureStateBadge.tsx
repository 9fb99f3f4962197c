import { Badge } from '@mantine/core';
import type { Capture } from '../../api/types';

const COLORS: Record<string, string> = { normal: 'teal', abnormal: 'red', uncertain: 'yellow' };

/** What the evaluation concluded, or where it stands while it runs. */
export function CaptureStateBadge({ capture }: { capture: Pick<Capture, 'state' | 'evaluation_status'> }) {
  if (capture.evaluation_status !== 'completed') {
    return <Badge color={capture.evaluation_status === 'failed' ? 'gray' : 'blue'} variant="light">{capture.evaluation_status === 'failed' ? 'not evaluated' : 'evaluating'}</Badge>;
  }
  return <Badge color={COLORS[capture.state ?? ''] ?? 'gray'}>{capture.state ?? 'unknown'}</Badge>;
}
