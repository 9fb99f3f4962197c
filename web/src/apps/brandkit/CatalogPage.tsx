import { useState } from 'react';
import { Alert, Badge, Button, Card, FileButton, Group, Modal, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { useMe } from '../../platform/Shell';
import { ProductPhoto } from './ProductPhoto';
import { sendImage } from './send-image';
import type { Product } from './types';

const catalogKey = ['brandkit', 'catalog'];
const IMAGE_TYPES = 'image/png,image/jpeg,image/webp,image/gif';

type ProductFields = { sku: string; name: string; category: string; description: string };
const emptyFields: ProductFields = { sku: '', name: '', category: '', description: '' };

/** The product fields, shared by "add" and "edit"; the API checks them again (SKU shape, lengths). */
function ProductForm({ initial, submitLabel, onSubmit, pending, error }: { initial: ProductFields; submitLabel: string; onSubmit: (v: ProductFields) => void; pending: boolean; error: unknown }) {
  const form = useForm({
    initialValues: initial,
    validate: {
      sku: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v.trim()) ? null : 'Letters, digits and . _ -, up to 64'),
      name: (v) => (v.trim() && v.trim().length <= 200 ? null : 'A name of up to 200 characters'),
      category: (v) => (v.trim() && v.trim().length <= 60 ? null : 'A category of up to 60 characters'),
      description: (v) => (v.length <= 2000 ? null : 'At most 2000 characters'),
    },
  });
  return (
    <form onSubmit={form.onSubmit(onSubmit)}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="SKU" required {...form.getInputProps('sku')} error={form.errors.sku ?? fieldError(error, 'sku')} />
          <TextInput label="Product name" required {...form.getInputProps('name')} error={form.errors.name ?? fieldError(error, 'name')} />
          <TextInput label="Category" required {...form.getInputProps('category')} error={form.errors.category ?? fieldError(error, 'category')} />
        </SimpleGrid>
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        {Boolean(error) && <ErrorMessage error={error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const toBody = (v: ProductFields) => ({ sku: v.sku.trim(), name: v.name.trim(), category: v.category.trim(), description: v.description.trim() || null });

function ProductRow({ product }: { product: Product }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['brandkit'] });
  const patch = (body: { sku?: string; name?: string; category?: string; description?: string | null; is_active?: boolean }) =>
    call(api.PATCH('/brandkit/api/products/{productId}', { params: { path: { productId: product.id } }, body }));
  const edit = useMutation({ mutationFn: (v: ProductFields) => patch(toBody(v)), onSuccess: () => (refresh(), setEditing(false)) });
  const toggle = useMutation({ mutationFn: () => patch({ is_active: !product.is_active }), onSuccess: refresh });
  const upload = useMutation({
    mutationFn: ({ kind, file }: { kind: 'image' | 'mask'; file: File }) => sendImage<Product>('PUT', `/brandkit/api/products/${product.id}/${kind}`, file),
    onSuccess: refresh,
  });
  const error = toggle.error ?? upload.error;
  return (
    <Card className="bk-card" padding="md" data-testid="catalog-product" data-active={product.is_active}>
      <Stack gap="xs">
        <ProductPhoto product={product} height={120} />
        <Group justify="space-between" wrap="nowrap">
          <Text fw={650}>{product.name}</Text>
          <Badge color={product.is_active ? 'teal' : 'gray'} variant="light">
            {product.is_active ? 'active' : 'inactive'}
          </Badge>
        </Group>
        <Text size="xs">
          {product.category} · SKU {product.sku}
        </Text>
        <Group gap={6}>
          <Badge variant="light" color={product.has_image ? 'teal' : 'orange'}>{product.has_image ? 'photo' : 'no photo'}</Badge>
          <Badge variant="light" color={product.has_mask ? 'teal' : 'orange'}>{product.has_mask ? 'mask' : 'no mask'}</Badge>
        </Group>
        <Group gap="xs" wrap="wrap">
          {(['image', 'mask'] as const).map((kind) => (
            <FileButton key={kind} accept={IMAGE_TYPES} onChange={(file) => file && upload.mutate({ kind, file })}>
              {(props) => (
                <Button size="xs" variant="light" {...props} loading={upload.isPending && upload.variables?.kind === kind} aria-label={`Upload the ${kind === 'image' ? 'photo' : 'mask'} of ${product.name}`}>
                  {kind === 'image' ? 'Upload photo' : 'Upload mask'}
                </Button>
              )}
            </FileButton>
          ))}
          <Button size="xs" variant="subtle" onClick={() => setEditing(true)} aria-label={`Edit ${product.name}`}>
            Edit
          </Button>
          <Button size="xs" variant="subtle" color={product.is_active ? 'red' : 'teal'} onClick={() => toggle.mutate()} loading={toggle.isPending} aria-label={`${product.is_active ? 'Deactivate' : 'Activate'} ${product.name}`}>
            {product.is_active ? 'Deactivate' : 'Activate'}
          </Button>
        </Group>
        {error && <ErrorMessage error={error} />}
      </Stack>
      <Modal opened={editing} onClose={() => setEditing(false)} title={`Edit ${product.name}`}>
        <ProductForm
          initial={{ sku: product.sku, name: product.name, category: product.category, description: product.description ?? '' }}
          submitLabel="Save product"
          onSubmit={(v) => edit.mutate(v)}
          pending={edit.isPending}
          error={edit.error}
        />
      </Modal>
    </Card>
  );
}

/**
 * The product catalog, for the platform's superadmin: every product (inactive ones too), add,
 * edit, deactivate or activate, and upload each one's photo and mask (white where the label
 * goes). Others see why they cannot; the API refuses them anyway.
 */
export function CatalogPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const isSuperadmin = Boolean(me.data?.user?.is_superadmin);
  const products = useQuery({
    queryKey: catalogKey,
    queryFn: () => call(api.GET('/brandkit/api/products', { params: { query: { limit: 100, include_inactive: 'true' } } })),
    enabled: isSuperadmin,
  });
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: (v: ProductFields) => call(api.POST('/brandkit/api/products', { body: toBody(v) })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['brandkit'] });
      setFormKey((k) => k + 1);
    },
  });
  if (me.isPending) return null;
  if (!isSuperadmin) {
    return (
      <Alert color="gray" title="For platform operators only" role="alert">
        The product catalog is managed by the operators of this installation.
      </Alert>
    );
  }
  return (
    <Stack gap="lg">
      <PageTitle>Product catalog</PageTitle>
      <Card className="bk-card" padding="lg">
        <Text fw={650} mb="xs">
          Add a product
        </Text>
        <ProductForm key={formKey} initial={emptyFields} submitLabel="Add product" onSubmit={(v) => create.mutate(v)} pending={create.isPending} error={create.error} />
      </Card>
      <QueryView query={products} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="The catalog is empty">Add the first product above, then its photo and mask.</EmptyState>}>
        {(d) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="catalog-admin">
            {d.items.map((p) => (
              <ProductRow key={p.id} product={p} />
            ))}
          </SimpleGrid>
        )}
      </QueryView>
    </Stack>
  );
}
