import { Badge } from '@mantine/core';
import type { CampaignStatus } from './types';

// Filled, in shades dark enough for white text to stay above 4.5:1 (teal and red 8 fall short).
const COLORS: Record<CampaignStatus, string> = { pending: 'gray.7', processing: 'blue.9', completed: 'teal.9', failed: 'red.9' };

export function StatusBadge({ status, size, testId }: { status: CampaignStatus; size?: 'sm' | 'md' | 'lg'; testId?: string }) {
  return <Badge color={COLORS[status]} size={size} data-testid={testId}>{status}</Badge>;
}
