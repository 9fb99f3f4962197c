import { Stack, Table, Text } from '@mantine/core';
import { PageTitle } from '../../platform/components';
import { Invites, MembersTable, type Role, type RoleVocabulary } from '../../platform/pages/Members';
import { useIsAdmin } from './hooks';

/** The workspace's roles in Social's words (docs/social.md): the platform's roles underneath. */
export const SOCIAL_ROLES: RoleVocabulary = {
  choices: [
    { value: 'admin', label: 'admin' },
    { value: 'editor', label: 'editor' },
    { value: 'viewer', label: 'viewer' },
  ],
  label: (role: Role) => ({ owner: 'admin (owner)', admin: 'admin', editor: 'editor', member: 'editor', viewer: 'viewer' })[role],
  invitedAs: 'editor',
};

const WHAT_EACH_MAY_DO = [
  ['admin', 'everything: approve or reject posts, connect accounts, workspace settings, the activity log, the team'],
  ['editor', 'write posts and submit them for approval, upload media, manage campaigns'],
  ['viewer', 'read posts, the calendar and analytics'],
] as const;

/**
 * The workspace's team in Social's roles: who is in it and as what, and (admins) invitations
 * by email with a role, pending ones listed until accepted, expired or revoked. The platform's
 * members and invitations underneath, so the same people appear on its Members page.
 */
export function TeamPage() {
  const isAdmin = useIsAdmin();
  return (
    <Stack gap="xl">
      <div>
        <PageTitle>Team</PageTitle>
        <Table withTableBorder mb="md" maw={720} aria-label="What each role may do">
          <Table.Tbody>
            {WHAT_EACH_MAY_DO.map(([role, may]) => (
              <Table.Tr key={role}>
                <Table.Th w={90}>{role}</Table.Th>
                <Table.Td><Text size="sm">{may}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <MembersTable canManage={isAdmin} roles={SOCIAL_ROLES} />
      </div>
      {isAdmin && <Invites roles={SOCIAL_ROLES} />}
    </Stack>
  );
}
