import { Badge } from '@mantine/core';
import type { Account } from './types';

/** A connected account's health as a badge: the accounts list and the account's figures page show the same words. */
export function AccountHealth({ status }: { status: Account['status'] }) {
  if (status === 'active') return <Badge color="teal" variant="light">Connected</Badge>;
  if (status === 'reconnect_needed') return <Badge color="orange" variant="filled">Reconnect needed</Badge>;
  return <Badge color="gray" variant="light">Disconnected</Badge>;
}
