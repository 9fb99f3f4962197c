import { Button, Checkbox, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api';
import { ErrorMessage, PageTitle } from '../components';

/**
 * Asked before anything else of a signed-in person who has not accepted the terms (an account
 * made by an invitation, by a superadmin or by the CLI). The platform keeps only the moment
 * of acceptance (tc_accepted_at); it has no versioned terms to show.
 */
export function AcceptTerms({ onLogout }: { onLogout: () => void }) {
  const queryClient = useQueryClient();
  const [checked, setChecked] = useState(false);
  const [tried, setTried] = useState(false);
  const accept = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/accept-terms')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
  return (
    <Stack maw={560}>
      <PageTitle>Terms of service</PageTitle>
      <Text>Before you continue, read and accept the terms of service of this Tenantry installation. Your organization&apos;s data stays yours; the operator keeps it only to run the service.</Text>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (checked) accept.mutate();
        }}
      >
        <Stack gap="sm">
          <Checkbox
            label="I accept the terms of service"
            checked={checked}
            onChange={(e) => setChecked(e.currentTarget.checked)}
            error={tried && !checked ? 'Tick the box to accept the terms, or log out' : undefined}
          />
          <ErrorMessage error={accept.error} />
          <Group>
            <Button type="submit" loading={accept.isPending}>
              Accept and continue
            </Button>
            <Button variant="default" onClick={onLogout}>
              Log out
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
