import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Select, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api, call } from './api';
import { session } from './session';
import { useSession } from './useSession';
import { activeNavTarget } from './nav-active';
import { webApps } from '../apps';
import { AcceptTerms } from './pages/AcceptTerms';

export function useMe() {
  const signedIn = useSession();
  return useQuery({
    queryKey: ['me', signedIn?.user.org_id],
    queryFn: () => call(api.GET('/api/v1/auth/me')),
    enabled: Boolean(signedIn),
  });
}

function OrgSwitcher() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const switchOrg = useMutation({
    mutationFn: (orgId: string) => call(api.POST('/api/v1/auth/switch-org', { body: { org_id: orgId } })),
    onSuccess: (result) => {
      session.start(result);
      // Everything cached belonged to the previous organization.
      queryClient.clear();
      navigate('/home');
    },
  });
  const orgs = me.data?.organizations ?? [];
  if (orgs.length < 2) return <Text fw={600} size="sm" data-testid="org-name">{me.data?.org.name ?? session.get()?.user.org_name}</Text>;
  return (
    <Select
      aria-label="Organization"
      size="xs"
      // Narrow on a phone, so "Log out" still fits in the header beside it.
      w={{ base: 124, sm: 220 }}
      data={orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.role})` }))}
      value={me.data?.org.id ?? null}
      onChange={(id) => id && id !== me.data?.org.id && switchOrg.mutate(id)}
      allowDeselect={false}
      disabled={switchOrg.isPending}
    />
  );
}

export function Shell() {
  const signedIn = useSession();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  const logout = useMutation({
    mutationFn: async () => {
      const refresh = session.get()?.refresh_token;
      if (refresh) await api.POST('/api/v1/auth/logout', { body: { refresh_token: refresh } }).catch(() => undefined);
    },
    onSettled: () => session.end('You are logged out.'),
  });
  const me = useMe();
  if (!signedIn) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const isAdmin = ['owner', 'admin'].includes(signedIn.user.role);
  const isSuperadmin = Boolean(me.data?.user?.is_superadmin);
  // A person (not an API key) who has not accepted the terms is asked before anything else.
  const mustAcceptTerms = Boolean(me.data?.user && !me.data.user.tc_accepted_at);
  const nav = [
    { to: '/home', label: 'Home' },
    ...webApps.flatMap((app) => app.nav.map((item) => ({ ...item, label: `${app.title}: ${item.label}` }))),
    { to: '/settings/members', label: 'Members' },
    ...(isAdmin
      ? [
          { to: '/settings/api-keys', label: 'API keys' },
          { to: '/settings/audit', label: 'Audit log' },
          { to: '/settings/usage', label: 'Usage and storage' },
        ]
      : []),
    ...(isSuperadmin ? [{ to: '/superadmin', label: 'Superadmin' }] : []),
  ];
  const activeTo = activeNavTarget(location.pathname, nav.map((item) => item.to));
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text component={Link} to="/home" fw={800} size="lg" c="blue.8" td="none">
              Tenantry
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <OrgSwitcher />
            <Button size="xs" variant="default" onClick={() => logout.mutate()} loading={logout.isPending}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        <VisuallyHidden>
          <h2>Navigation</h2>
        </VisuallyHidden>
        {/* Five apps' links outgrow a laptop's height: the list scrolls, the footer stays. */}
        <AppShell.Section grow component={ScrollArea} type="auto">
          <Stack gap={2}>
            {nav.map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                active={item.to === activeTo}
                aria-current={item.to === activeTo ? 'page' : undefined}
                onClick={close}
                // The light variant's blue on pale blue is too faint to read (axe color-contrast).
                variant="filled"
                color="blue.8"
              />
            ))}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" pt="md">
            {signedIn.user.email} · {signedIn.user.role}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        {mustAcceptTerms ? <AcceptTerms onLogout={() => logout.mutate()} /> : <Outlet />}
      </AppShell.Main>
    </AppShell>
  );
}
