import { useState } from 'react';
import { Badge, Button, Card, Group, Pagination, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, PageTitle, QueryView } from '../../platform/components';
import { useBrand } from './GenAdsLayout';
import { PerfumeImage } from './PerfumeImage';
import { formatCost } from './format';
import type { PerfumeSummary } from './types';

const PAGE_SIZE = 12;

function Stats() {
  const stats = useQuery({ queryKey: ['genads', 'stats'], queryFn: () => call(api.GET('/genads/api/brands/me/stats')) });
  return (
    <QueryView query={stats}>
      {(s) => (
        <SimpleGrid cols={{ base: 2, sm: 4 }} mb="lg">
          {[
            ['Perfumes', String(s.total_perfumes)],
            ['Campaigns', String(s.total_campaigns)],
            ['Completed', String(s.completed_campaigns)],
            ['Spent', formatCost(s.total_cost)],
          ].map(([label, value]) => (
            <Card key={label} withBorder className="genads-card" padding="sm">
              <Text className="genads-eyebrow">{label}</Text>
              <Text size="xl" fw={600}>{value}</Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </QueryView>
  );
}

function PerfumeCard({ perfume }: { perfume: PerfumeSummary }) {
  return (
    <Card withBorder className="genads-card" padding="sm" component={Link} to={`/genads/perfumes/${perfume.perfume_id}`} data-testid="perfume-card">
      <Card.Section>
        <PerfumeImage perfumeId={perfume.perfume_id} alt={perfume.perfume_name} />
      </Card.Section>
      <Stack gap={4} mt="sm">
        <Text fw={600} ff="heading" size="lg">{perfume.perfume_name}</Text>
        <Group gap="xs">
          <Badge variant="light">{perfume.perfume_gender}</Badge>
          <Text size="sm" c="dimmed">
            {perfume.campaigns_count ?? 0} campaign{perfume.campaigns_count === 1 ? '' : 's'} · {perfume.images_count} photo{perfume.images_count === 1 ? '' : 's'}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}

/** The seed's dashboard: the brand's numbers and its perfume library. */
export function DashboardPage() {
  const brand = useBrand();
  const [page, setPage] = useState(1);
  const perfumes = useQuery({
    queryKey: ['genads', 'perfumes', page],
    queryFn: () => call(api.GET('/genads/api/perfumes', { params: { query: { page, limit: PAGE_SIZE, sort: 'created_at', order: 'desc' } } })),
  });
  return (
    <>
      <Text className="genads-eyebrow">{brand.data?.brand_name ?? 'GenAds'}</Text>
      <PageTitle
        actions={
          <Group>
            <Button variant="default" component={Link} to="/genads/brand">Edit brand</Button>
            <Button component={Link} to="/genads/perfumes/add">Add a perfume</Button>
          </Group>
        }
      >
        Perfumes
      </PageTitle>
      <hr className="genads-rule" />
      <Stats />
      <QueryView
        query={perfumes}
        isEmpty={(d) => d.total === 0}
        empty={<EmptyState title="No perfumes yet">Add a perfume with its photos; then create ad campaigns for it.</EmptyState>}
      >
        {(d) => (
          <Stack>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 4 }}>
              {d.perfumes.map((p) => <PerfumeCard key={p.perfume_id} perfume={p} />)}
            </SimpleGrid>
            {d.pages > 1 && <Pagination total={d.pages} value={page} onChange={setPage} aria-label="Pages of perfumes" />}
          </Stack>
        )}
      </QueryView>
    </>
  );
}
