import { Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle, QueryView, formatDate } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { useMe } from '../../platform/Shell';
import { ProfileCard } from './ProfileCard';
import { STEP_LABELS, STEPS } from './types';
import type { BrandSummary } from './types';

type BrandList = { items: BrandSummary[] };

const STATUS_COLOR: Record<BrandSummary['status'], string> = { draft: 'gray', in_progress: 'blue', submitted: 'teal', published: 'grape' };

/** The user's brands: status, where each wizard stands, a link that resumes it (step_url), delete (asked first), and "New brand". */
export function BrandsPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useMe();
  const brands = useQuery({ queryKey: ['brandkit', 'brands'], queryFn: () => call(api.GET('/brandkit/api/brands', { params: { query: { limit: 100 } } })) });
  const form = useForm({ initialValues: { name: '' }, validate: { name: (v) => (v.trim().length > 120 ? 'At most 120 characters' : null) } });
  const create = useMutation({
    mutationFn: (name: string) => call(api.POST('/brandkit/api/brands', { body: name.trim() ? { name: name.trim() } : {} })),
    onSuccess: (brand) => {
      void queryClient.invalidateQueries({ queryKey: ['brandkit', 'brands'] });
      void navigate(brand.step_url);
    },
  });
  const remove = async (brandId: string) => {
    await call(api.DELETE('/brandkit/api/brands/{brandId}', { params: { path: { brandId } } }));
    // Gone from the list at once (its card would ask for files that no longer exist), then read again.
    queryClient.setQueryData<BrandList>(['brandkit', 'brands'], (list) => list && { ...list, items: list.items.filter((x) => x.id !== brandId) });
    void queryClient.invalidateQueries({ queryKey: ['brandkit', 'brands'] });
  };

  return (
    <Stack gap="lg">
      <PageTitle
        actions={
          me.data?.user?.is_superadmin ? (
            <Button component={Link} to="/brandkit/catalog" variant="light">
              Manage the product catalog
            </Button>
          ) : undefined
        }
      >
        Your brands
      </PageTitle>
      <Card className="bk-card" padding="lg">
        <form onSubmit={form.onSubmit((v) => create.mutate(v.name))}>
          <Group align="flex-end" wrap="wrap">
            <TextInput label="Brand name (optional: you can name it later)" placeholder="e.g. Solstice Skincare" style={{ flex: '1 1 240px' }} {...form.getInputProps('name')} />
            <Button type="submit" loading={create.isPending}>
              New brand
            </Button>
          </Group>
        </form>
        {create.isError && <ErrorMessage error={create.error} />}
      </Card>
      <QueryView
        query={brands}
        isEmpty={(d) => d.items.length === 0}
        empty={<EmptyState title="No brands yet">Start one: the wizard takes you from your social profile to a logo, product mockups and a brand kit.</EmptyState>}
      >
        {(data) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.items.map((b) => (
              <Card key={b.id} className="bk-card" padding="lg" data-testid="brand-card">
                <Stack gap="xs">
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={650} size="lg" truncate>
                      {b.name ?? 'Untitled brand'}
                    </Text>
                    <Badge color={STATUS_COLOR[b.status]} variant="light">
                      {b.status.replace('_', ' ')}
                    </Badge>
                  </Group>
                  <Text size="sm">
                    Step {b.wizard_step} of {STEPS.length}: {STEP_LABELS[b.current_step]}
                  </Text>
                  <Progress value={(b.wizard_step / STEPS.length) * 100} aria-label={`Wizard step ${b.wizard_step} of ${STEPS.length}`} />
                  <Text size="xs" c="dimmed">
                    Changed {formatDate(b.updated_at)}
                  </Text>
                  <Group justify="space-between" gap="xs">
                    <Button component={Link} to={b.step_url} variant="light" style={{ flex: '1 1 auto' }}>
                      {b.status === 'submitted' || b.status === 'published' ? 'Open' : 'Resume'} {b.name ?? 'brand'}
                    </Button>
                    <ConfirmButton
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${b.name ?? 'the untitled brand'}`}
                      title={`Delete ${b.name ?? 'this untitled brand'}?`}
                      message="The brand is deleted for good, with its logos, mockups, guide and kit files. A contact already sent to your CRM stays there."
                      confirmLabel="Delete the brand"
                      onConfirm={() => remove(b.id)}
                    >
                      Delete
                    </ConfirmButton>
                  </Group>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryView>
      <ProfileCard />
    </Stack>
  );
}
