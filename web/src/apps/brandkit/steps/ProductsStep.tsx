import { useState } from 'react';
import { Badge, Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../platform/api';
import { EmptyState, ErrorMessage, QueryView } from '../../../platform/components';
import { brandKey, useSaveStep } from '../hooks';
import type { Brand, Product, Selection } from '../types';
import { StepCard } from './StepCard';
import { ProductPhoto } from '../ProductPhoto';

/** Products: the catalog; select with a quantity and notes, change or remove a selection. */
export function ProductsStep({ brand }: { brand: Brand }) {
  const catalog = useQuery({ queryKey: ['brandkit', 'products'], queryFn: () => call(api.GET('/brandkit/api/products', { params: { query: { limit: 100 } } })) });
  const selectionKey = ['brandkit', 'selection', brand.id];
  const selection = useQuery({ queryKey: selectionKey, queryFn: () => call(api.GET('/brandkit/api/brands/{brandId}/products', { params: { path: { brandId: brand.id } } })) });
  const save = useSaveStep(brand.id, 'products');
  const selected = new Map((selection.data?.items ?? []).map((s) => [s.product_id, s]));

  return (
    <Stack gap="lg">
      <StepCard title="Products" intro="Choose what carries your brand: each selected product gets mockups with your label in the next step.">
        <QueryView query={catalog} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="The catalog is empty">The platform's administrators have not added products yet.</EmptyState>}>
          {(d) => (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="catalog">
              {d.items.map((p) => (
                <ProductCard key={p.id} brandId={brand.id} product={p} selection={selected.get(p.id)} />
              ))}
            </SimpleGrid>
          )}
        </QueryView>
      </StepCard>
      {save.isError && <ErrorMessage error={save.error} />}
      <Group justify="flex-end">
        <Text size="sm">{selected.size} selected</Text>
        <Button onClick={() => save.mutate({ body: {} })} loading={save.isPending} disabled={selected.size === 0}>
          Continue to mockups
        </Button>
      </Group>
    </Stack>
  );
}

function ProductCard({ brandId, product, selection }: { brandId: string; product: Product; selection?: Selection }) {
  const queryClient = useQueryClient();
  const [quantity, setQuantity] = useState<number>(selection?.quantity ?? 1);
  const [notes, setNotes] = useState(selection?.notes ?? '');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['brandkit', 'selection', brandId] });
    void queryClient.invalidateQueries({ queryKey: brandKey(brandId) });
  };
  const body = { quantity, notes: notes.trim() || null };
  const select = useMutation({ mutationFn: () => call(api.POST('/brandkit/api/brands/{brandId}/products', { params: { path: { brandId } }, body: { product_id: product.id, ...body } })), onSuccess: refresh });
  const update = useMutation({ mutationFn: () => call(api.PATCH('/brandkit/api/brands/{brandId}/products/{productId}', { params: { path: { brandId, productId: product.id } }, body })), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => call(api.DELETE('/brandkit/api/brands/{brandId}/products/{productId}', { params: { path: { brandId, productId: product.id } } })), onSuccess: refresh });
  const error = select.error ?? update.error ?? remove.error;
  return (
    <Card className="bk-card" padding="md" data-testid="product-card" data-selected={!!selection}>
      <Stack gap="xs">
        <ProductPhoto product={product} height={140} />
        <Group justify="space-between" wrap="nowrap">
          <Text fw={650}>{product.name}</Text>
          {selection && <Badge color="teal" variant="light">Selected</Badge>}
        </Group>
        <Text size="xs">
          {product.category} · SKU {product.sku}
        </Text>
        {product.description && <Text size="sm">{product.description}</Text>}
        <Group grow align="flex-start">
          <NumberInput label="Quantity" min={1} max={100000} value={quantity} onChange={(v) => setQuantity(typeof v === 'number' ? v : 1)} />
          <TextInput label="Notes" value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
        </Group>
        {selection ? (
          <Group grow>
            <Button variant="light" onClick={() => update.mutate()} loading={update.isPending}>
              Update
            </Button>
            <Button variant="subtle" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
              Remove
            </Button>
          </Group>
        ) : (
          <Button onClick={() => select.mutate()} loading={select.isPending} aria-label={`Select ${product.name}`}>
            Select
          </Button>
        )}
        {error && <ErrorMessage error={error} />}
      </Stack>
    </Card>
  );
}
