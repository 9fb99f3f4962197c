import { useState } from 'react';
import { Badge, Button, ColorInput, FileButton, Group, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../../../platform/api';
import { ErrorMessage } from '../../../platform/components';
import { useSaveStep } from '../hooks';
import { sendImage } from '../send-image';
import type { Brand, Palette, PaletteColor } from '../types';
import { StepCard } from './StepCard';

type Harmony = Palette['harmony'];
const HARMONIES: Array<{ value: Harmony; label: string }> = [
  { value: 'complementary', label: 'Complementary' },
  { value: 'analogous', label: 'Analogous' },
  { value: 'triadic', label: 'Triadic' },
  { value: 'split_complementary', label: 'Split complementary' },
  { value: 'monochromatic', label: 'Monochromatic' },
];

/** Readable text on a swatch: black or white, whichever contrasts more with it (WCAG relative luminance). */
function inkOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** Palette: from a base colour by harmony or from an uploaded image, with the API's WCAG checks. */
export function PaletteStep({ brand }: { brand: Brand }) {
  const [base, setBase] = useState(brand.color_palette.find((c) => c.role === 'primary')?.hex ?? '#1a73e8');
  const [harmony, setHarmony] = useState<Harmony>('complementary');
  const [palette, setPalette] = useState<{ colors: PaletteColor[]; contrast: Palette['contrast'] | null }>({ colors: brand.color_palette, contrast: null });
  const fromColor = useMutation({
    mutationFn: () => call(api.POST('/brandkit/api/identity/palette', { body: { base_color: base, harmony } })),
    onSuccess: (p) => setPalette({ colors: p.colors, contrast: p.contrast }),
  });
  const fromImage = useMutation({
    mutationFn: (file: File) => sendImage<Palette>('POST', `/brandkit/api/identity/palette/from-image?harmony=${harmony}`, file),
    onSuccess: (p) => setPalette({ colors: p.colors, contrast: p.contrast }),
  });
  const save = useSaveStep(brand.id, 'palette');

  return (
    <Stack gap="lg">
      <StepCard title="Colour palette" intro="Start from your main colour, or from a photo or logo you already have: its dominant colours become the palette.">
        <Group align="flex-end" wrap="wrap">
          <ColorInput label="Base colour" value={base} onChange={setBase} format="hex" w={200} eyeDropperButtonProps={{ 'aria-label': 'Pick a colour from the screen' }} />
          <Select label="Harmony" data={HARMONIES} value={harmony} onChange={(v) => v && setHarmony(v as Harmony)} w={220} allowDeselect={false} />
          <Button onClick={() => fromColor.mutate()} loading={fromColor.isPending}>
            Make a palette
          </Button>
          <FileButton onChange={(f) => f && fromImage.mutate(f)} accept="image/png,image/jpeg,image/webp,image/gif">
            {(props) => (
              <Button variant="light" {...props} loading={fromImage.isPending}>
                From an image…
              </Button>
            )}
          </FileButton>
        </Group>
        {fromColor.isError && <ErrorMessage error={fromColor.error} />}
        {fromImage.isError && <ErrorMessage error={fromImage.error} />}
        {palette.colors.length > 0 ? (
          <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid="palette">
            {palette.colors.map((c) => (
              <div key={c.role} className="bk-swatch" style={{ background: c.hex, color: inkOn(c.hex) }}>
                <div>
                  <Text size="sm" fw={700} tt="capitalize">{c.role}</Text>
                  <Text size="xs" ff="monospace">{c.hex}</Text>
                </div>
              </div>
            ))}
          </SimpleGrid>
        ) : (
          <Text size="sm">No palette yet.</Text>
        )}
        {palette.contrast && (
          <div role="region" aria-label="Contrast checks" tabIndex={0} style={{ overflowX: 'auto' }}>
            <Table data-testid="contrast" miw={420}>
              <Table.Caption>Contrast of each text colour on the background (WCAG 2)</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Text</Table.Th>
                  <Table.Th>On</Table.Th>
                  <Table.Th>Ratio</Table.Th>
                  <Table.Th>Passes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {palette.contrast.map((r) => (
                  <Table.Tr key={`${r.foreground}-${r.background}`}>
                    <Table.Td tt="capitalize">{r.foreground}</Table.Td>
                    <Table.Td tt="capitalize">{r.background}</Table.Td>
                    <Table.Td>{r.ratio.toFixed(2)}:1</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge color={r.aaa ? 'teal' : 'gray'} variant="light">AAA {r.aaa ? '✓' : '✗'}</Badge>
                        <Badge color={r.aa ? 'teal' : 'red'} variant="light">AA {r.aa ? '✓' : '✗'}</Badge>
                        <Badge color={r.aa_large ? 'teal' : 'red'} variant="light">AA large {r.aa_large ? '✓' : '✗'}</Badge>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </StepCard>
      {save.isError && <ErrorMessage error={save.error} />}
      <Group justify="flex-end">
        <Button onClick={() => save.mutate({ body: { color_palette: palette.colors } })} loading={save.isPending} disabled={!palette.colors.length}>
          Use this palette
        </Button>
      </Group>
    </Stack>
  );
}
