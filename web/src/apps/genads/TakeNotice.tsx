import { Alert, Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';

/**
 * While a new take runs, the previous one stays the campaign's: its videos listed and
 * downloadable, its variations selectable, until the new take completes and replaces them.
 */
export function TakeNotice({ campaignId, running, shown, onProgressPage }: { campaignId: string; running: number | undefined; shown: number | undefined; onProgressPage?: boolean }) {
  if (shown === undefined || running === undefined || running === shown) return null;
  return (
    <Alert color="blue" title={`Take ${running} is being generated`} data-testid="take-notice">
      <Text size="sm">
        Take {shown}&apos;s variations stay selectable and downloadable until take {running} completes; then they are replaced by the new ones and your choice is cleared.{' '}
        {onProgressPage ? (
          <Anchor component={Link} to={`/genads/campaigns/${campaignId}/select`}>Choose among take {shown}&apos;s variations</Anchor>
        ) : (
          <Anchor component={Link} to={`/genads/campaigns/${campaignId}/progress`}>Follow take {running}</Anchor>
        )}
      </Text>
    </Alert>
  );
}
