import { Badge, Button, Group, Radio, SimpleGrid, Stack, TagsInput, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call, fieldError } from '../../../platform/api';
import { ErrorMessage, QueryView } from '../../../platform/components';
import { useSaveStep } from '../hooks';
import type { Brand } from '../types';
import { StepCard } from './StepCard';

/** Identity: name, values, audience, and the archetype (with the API's suggestion from the values and audience). */
export function IdentityStep({ brand }: { brand: Brand }) {
  const form = useForm({
    initialValues: {
      name: brand.name ?? '',
      description: brand.description ?? '',
      vision: brand.vision ?? '',
      brand_values: brand.brand_values,
      target_audience: brand.target_audience ?? '',
      brand_archetype: brand.brand_archetype ?? '',
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Give the brand a name'),
      brand_values: (v) => (v.length > 10 ? 'At most 10 values' : null),
    },
  });
  const archetypes = useQuery({ queryKey: ['brandkit', 'archetypes'], queryFn: () => call(api.GET('/brandkit/api/archetypes')) });
  const suggest = useMutation({
    mutationFn: () => call(api.POST('/brandkit/api/identity/archetype', { body: { brand_values: form.values.brand_values, target_audience: form.values.target_audience } })),
    onSuccess: (r) => {
      const top = r.ranking[0];
      if (top && !form.values.brand_archetype) form.setFieldValue('brand_archetype', top.archetype);
    },
  });
  const save = useSaveStep(brand.id, 'identity');
  const submit = form.onSubmit((v) =>
    save.mutate({
      body: {
        name: v.name.trim(),
        description: v.description.trim() || null,
        vision: v.vision.trim() || null,
        brand_values: v.brand_values,
        target_audience: v.target_audience.trim() || null,
        // The radio group gives a string: the archetype it names, from the API's list.
        brand_archetype: archetypes.data?.items.find((a) => a.archetype === v.brand_archetype)?.archetype ?? null,
      },
    }),
  );
  const top = suggest.data?.ranking.slice(0, 3) ?? [];

  return (
    <form onSubmit={submit}>
      <Stack gap="lg">
        <StepCard title="Who the brand is" intro="Its name, what it stands for and who it speaks to.">
          <TextInput label="Brand name" required {...form.getInputProps('name')} error={form.errors.name ?? fieldError(save.error, 'name')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Textarea label="Vision" autosize minRows={2} {...form.getInputProps('vision')} />
          <TagsInput label="Values (press Enter after each)" placeholder="e.g. honesty" {...form.getInputProps('brand_values')} error={form.errors.brand_values ?? fieldError(save.error, 'brand_values')} />
          <Textarea label="Target audience" autosize minRows={2} {...form.getInputProps('target_audience')} />
        </StepCard>
        <StepCard title="Archetype" intro="One of the twelve brand archetypes. Ask for a suggestion from your values and audience, or choose.">
          <Group>
            <Button variant="light" onClick={() => suggest.mutate()} loading={suggest.isPending} disabled={!form.values.brand_values.length}>
              Suggest an archetype
            </Button>
            {!form.values.brand_values.length && <Text size="sm">Add at least one value first.</Text>}
          </Group>
          {suggest.isError && <ErrorMessage error={suggest.error} />}
          {top.length > 0 && (
            <Stack gap={4} data-testid="archetype-suggestion">
              {top.map((s, i) => (
                <Text size="sm" key={s.archetype}>
                  {i === 0 ? 'Suggested: ' : 'Also close: '}
                  <b>{s.label}</b> {s.matched.length ? `(from ${s.matched.join(', ')})` : ''}
                </Text>
              ))}
            </Stack>
          )}
          <QueryView query={archetypes}>
            {(a) => (
              <Radio.Group label="Your archetype" {...form.getInputProps('brand_archetype')} error={fieldError(save.error, 'brand_archetype')}>
                <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} mt="xs">
                  {a.items.map((t) => (
                    <Radio.Card key={t.archetype} value={t.archetype} p="sm" radius="md" className="bk-card">
                      <Group wrap="nowrap" align="flex-start">
                        <Radio.Indicator />
                        <div>
                          {/* A div, not a p: the badge inside is a div, which a p may not hold (React reports it). */}
                          <Text fw={600} component="div">
                            {t.label} {top[0]?.archetype === t.archetype && <Badge size="xs">suggested</Badge>}
                          </Text>
                          <Text size="xs">{t.motto}</Text>
                        </div>
                      </Group>
                    </Radio.Card>
                  ))}
                </SimpleGrid>
              </Radio.Group>
            )}
          </QueryView>
        </StepCard>
        {save.isError && <ErrorMessage error={save.error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save identity
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
