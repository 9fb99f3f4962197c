import { useState } from 'react';
import { Alert, Button, Card, Group, List, NumberInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, call, fieldError } from '../../platform/api';
import { ErrorMessage } from '../../platform/components';
import { networkLabel } from './format';
import type { AiResult, Network } from './types';

const TONES = ['neutral', 'friendly', 'professional', 'playful', 'urgent'] as const;
type Tone = (typeof TONES)[number];
const PROVIDERS = [
  { value: 'auto', label: "The server's AI model (offline rules if it has none)" },
  { value: 'offline', label: 'Offline rules only (nothing leaves the server)' },
] as const;
type Provider = (typeof PROVIDERS)[number]['value'];

/**
 * The composer's "Adapt with AI": the draft rewritten for each chosen network (the server's
 * hosted model, or its offline adapter), with what was done; a network's text can become its variant.
 */
export function AdaptWithAi({ draft, networks, onApply }: { draft: string; networks: Network[]; onApply: (network: Network, text: string) => void }) {
  const [tone, setTone] = useState<Tone>('neutral');
  const [keywords, setKeywords] = useState('');
  const [maxHashtags, setMaxHashtags] = useState(3);
  const [provider, setProvider] = useState<Provider>('auto');
  const [applied, setApplied] = useState<Partial<Record<Network, boolean>>>({});
  const adapt = useMutation({
    mutationFn: async () => {
      const answer = await call(api.POST('/social/api/ai/generate', {
        body: { draft, networks, tone, provider, max_hashtags: maxHashtags, keywords: keywords.split(',').map((k) => k.trim()).filter(Boolean).slice(0, 10) },
      }));
      return { result: answer.data as AiResult, message: answer.message };
    },
    onMutate: () => setApplied({}),
  });
  const ready = draft.trim().length > 0 && networks.length > 0;
  return (
    <Card withBorder p="sm" data-testid="adapt-ai">
      <Stack gap="xs">
        <Title order={2} size="h5">Adapt with AI</Title>
        <Group grow align="flex-start">
          <Select label="Tone" value={tone} onChange={(v) => v && setTone(v as Tone)} data={TONES.map((t) => ({ value: t, label: t[0].toUpperCase() + t.slice(1) }))} allowDeselect={false} />
          <TextInput label="Keywords (comma-separated)" value={keywords} onChange={(e) => setKeywords(e.currentTarget.value)} error={fieldError(adapt.error, 'keywords')} />
        </Group>
        <Group grow align="flex-start">
          <NumberInput label="Hashtags at most" description="From the keywords" value={maxHashtags} onChange={(v) => setMaxHashtags(typeof v === 'number' ? v : 3)} min={0} max={10} clampBehavior="strict" allowDecimal={false} error={fieldError(adapt.error, 'max_hashtags')} />
          <Select label="Writer" value={provider} onChange={(v) => v && setProvider(v as Provider)} data={PROVIDERS} allowDeselect={false} />
        </Group>
        <Group>
          <Button type="button" onClick={() => adapt.mutate()} loading={adapt.isPending} disabled={!ready}>Adapt with AI</Button>
          {!ready && <Text size="sm" c="dimmed">Write the post and choose accounts first.</Text>}
        </Group>
        <ErrorMessage error={adapt.error} />
        {adapt.data && (
          <Stack gap="xs">
            {adapt.data.message && <Alert color={adapt.data.result.fallback_reason ? 'yellow' : 'blue'}>{adapt.data.message}</Alert>}
            {adapt.data.result.versions.map((v) => (
              <Card withBorder p="xs" key={v.network} data-testid={`ai-${v.network}`}>
                <Stack gap={4}>
                  <Group justify="space-between">
                    <Text fw={600}>{networkLabel(v.network)}</Text>
                    <Text size="xs" c="dimmed">{v.length} / {v.max_length} {v.length_unit}</Text>
                  </Group>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{v.text}</Text>
                  {v.notes.length > 0 && <List size="xs">{v.notes.map((n) => <List.Item key={n}>{n}</List.Item>)}</List>}
                  <Group>
                    <Button type="button" size="xs" variant="default" disabled={!networks.includes(v.network)} onClick={() => { onApply(v.network, v.text); setApplied((a) => ({ ...a, [v.network]: true })); }}>
                      {applied[v.network] ? `Applied to ${networkLabel(v.network)}` : `Use for ${networkLabel(v.network)}`}
                    </Button>
                  </Group>
                </Stack>
              </Card>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
