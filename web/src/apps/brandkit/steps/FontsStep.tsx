import { useState } from 'react';
import { Button, Group, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../platform/api';
import { ErrorMessage, QueryView } from '../../../platform/components';
import { useSaveStep } from '../hooks';
import { SessionImage } from '../SessionImage';
import type { Brand } from '../types';
import { StepCard } from './StepCard';

/** Fonts: the pairings of the fonts that ship with the project, each previewed with the brand's name and colours. */
export function FontsStep({ brand }: { brand: Brand }) {
  const fonts = useQuery({ queryKey: ['brandkit', 'fonts'], queryFn: () => call(api.GET('/brandkit/api/fonts')) });
  const [pairing, setPairing] = useState(brand.fonts.pairing ?? '');
  const save = useSaveStep(brand.id, 'fonts');
  const primary = brand.color_palette.find((c) => c.role === 'primary')?.hex;
  const background = brand.color_palette.find((c) => c.role === 'background')?.hex;
  const previewQuery = new URLSearchParams({ heading: (brand.name ?? 'Your Brand').slice(0, 40) });
  if (primary) previewQuery.set('color', primary);
  if (background) previewQuery.set('background', background);

  return (
    <Stack gap="lg">
      <StepCard title="Font pairing" intro="A heading font and a text font that work together (open licences, shipped with Tenantry).">
        <QueryView query={fonts} isEmpty={(d) => d.items.length === 0} empty={<Text>No fonts are installed on this server.</Text>}>
          {(d) => (
            <Radio.Group value={pairing} onChange={setPairing} label="Choose a pairing">
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
                {d.items.map((p) => (
                  <Radio.Card key={p.id} value={p.id} p="md" radius="md" className="bk-card" aria-label={p.name}>
                    <Stack gap="xs">
                      <Group wrap="nowrap">
                        <Radio.Indicator />
                        <Text fw={650}>{p.name}</Text>
                      </Group>
                      <SessionImage url={`${p.preview_url}?${previewQuery.toString()}`} alt={`${p.heading.family} with ${p.body.family}`} h={120} />
                      <Text size="xs">
                        {p.heading.family} {p.heading.weight} / {p.body.family} {p.body.weight} · {p.licence}
                      </Text>
                      <Text size="sm">{p.rationale}</Text>
                    </Stack>
                  </Radio.Card>
                ))}
              </SimpleGrid>
            </Radio.Group>
          )}
        </QueryView>
      </StepCard>
      {save.isError && <ErrorMessage error={save.error} />}
      <Group justify="flex-end">
        <Button onClick={() => save.mutate({ body: { pairing } })} loading={save.isPending} disabled={!pairing}>
          Use these fonts
        </Button>
      </Group>
    </Stack>
  );
}
