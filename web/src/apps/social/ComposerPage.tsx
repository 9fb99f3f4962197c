import { useMemo, useState } from 'react';
import { Alert, Anchor, Button, Card, Center, Loader, Checkbox, Grid, Group, SegmentedControl, Select, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle } from '../../platform/components';
import { networkLabel } from './format';
import { useAccounts, useCampaignOptions, useSettings } from './hooks';
import { AdaptWithAi } from './AdaptWithAi';
import { MediaPicker } from './MediaPicker';
import { RuleChecks } from './RuleChecks';
import { ScheduleFields } from './ScheduleFields';
import { useRuleCheck } from './useRuleCheck';
import type { Account, Network, Post, SavedPost, Settings } from './types';

type When = 'draft' | 'now' | 'schedule';

/** Write a new post, or edit one (/social/posts/:postId/edit: saving makes a new version). */
export function ComposerPage() {
  const { postId } = useParams();
  const settings = useSettings();
  const accounts = useAccounts();
  const post = useQuery({
    queryKey: ['social', 'posts', postId],
    enabled: Boolean(postId),
    queryFn: async () => (await call(api.GET('/social/api/posts/{id}', { params: { path: { id: postId! } } }))).data,
  });
  return (
    <>
      <PageTitle>{postId ? 'Edit post' : 'New post'}</PageTitle>
      {settings.isError || accounts.isError || post.isError ? (
        <ErrorMessage error={settings.error ?? accounts.error ?? post.error} onRetry={() => void Promise.all([settings.refetch(), accounts.refetch(), postId && post.refetch()])} />
      ) : settings.data && accounts.data && (!postId || post.data) ? (
        <Composer key={postId ?? 'new'} settings={settings.data} accounts={accounts.data} post={post.data} />
      ) : (
        <Center py="xl" aria-busy="true">
          <Loader role="status" aria-label="Loading" />
        </Center>
      )}
    </>
  );
}

function Composer({ settings, accounts, post }: { settings: Settings; accounts: Account[]; post?: Post }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const campaigns = useCampaignOptions();
  const usable = accounts.filter((a) => a.status === 'active' || post?.targets.some((t) => t.account_id === a.id));
  const [title, setTitle] = useState(post?.title ?? '');
  const [text, setText] = useState(post?.text ?? '');
  const [accountIds, setAccountIds] = useState<string[]>(post?.targets.map((t) => t.account_id) ?? []);
  const [variants, setVariants] = useState<Partial<Record<Network, string>>>(Object.fromEntries(Object.entries(post?.variants ?? {}).map(([n, v]) => [n, v.text])));
  const [media, setMedia] = useState<Partial<Record<Network | '*', string[]>>>(
    Object.fromEntries(Object.entries(post?.media ?? {}).map(([n, list]) => [n, [...list].sort((a, b) => a.position - b.position).map((m) => m.id)])),
  );
  const [campaignId, setCampaignId] = useState<string | null>(post?.campaign_id ?? null);
  const [when, setWhen] = useState<When>('draft');
  const [at, setAt] = useState('');
  const [zone, setZone] = useState(post?.timezone ?? settings.timezone);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const networks = useMemo(() => [...new Set(usable.filter((a) => accountIds.includes(a.id)).map((a) => a.network))], [usable, accountIds]);
  const variantBody = Object.fromEntries(Object.entries(variants).filter(([n, v]) => networks.includes(n as Network) && v && v.trim()).map(([n, v]) => [n, { text: v! }]));
  const mediaBody = Object.fromEntries(Object.entries(media).filter(([n, ids]) => (n === '*' || networks.includes(n as Network)) && ids && ids.length > 0));
  const check = useRuleCheck({ text, networks, variants: variantBody, media: mediaBody });
  const broken = (check.data ?? []).some((c) => c.violations.length > 0);

  const save = useMutation({
    mutationFn: async (): Promise<{ saved: SavedPost; message?: string }> => {
      const body = { title: title.trim() || null, text, variants: variantBody, media: mediaBody, account_ids: accountIds, campaign_id: campaignId };
      const answer = post
        ? await call(api.PATCH('/social/api/posts/{id}', { params: { path: { id: post.id } }, body }))
        : await call(api.POST('/social/api/posts', { body }));
      let saved = answer.data;
      const path = { params: { path: { id: saved.post.id } } };
      // The post is saved first: a refused next step leaves a draft to fix, not lost words.
      try {
        if (when === 'draft') {
          if (settings.approval_required && ['draft'].includes(saved.post.status)) {
            saved = { ...saved, post: (await call(api.POST('/social/api/posts/{id}/submit', path))).data };
          }
        } else if (when === 'now') {
          saved = { ...saved, post: (await call(api.POST('/social/api/posts/{id}/publish', path))).data };
        } else {
          saved = { ...saved, post: (await call(api.POST('/social/api/posts/{id}/schedule', { ...path, body: { scheduled_at: at, timezone: zone } }))).data };
        }
      } catch (err) {
        await queryClient.invalidateQueries({ queryKey: ['social', 'posts'] });
        navigate(`/social/posts/${saved.post.id}`, { state: { refusal: err instanceof Error ? err.message : String(err) } });
        throw err;
      }
      return { saved, message: answer.message };
    },
    onSuccess: async ({ saved, message }) => {
      await queryClient.invalidateQueries({ queryKey: ['social'] });
      navigate(`/social/posts/${saved.post.id}`, { state: { nearDuplicates: saved.near_duplicates, message } });
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!text.trim()) found.text = 'Write the post first';
    if (when !== 'draft' && accountIds.length === 0) found.accounts = 'Choose at least one account to publish to';
    if (when === 'schedule' && !at) found.at = 'Choose a day and time';
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate();
  };

  if (usable.length === 0 && !post) {
    return (
      <EmptyState title="Connect an account first">
        Posts are published to connected accounts. <Anchor component={Link} to="/social/accounts">Connect a network</Anchor>.
      </EmptyState>
    );
  }
  const approvalRequired = settings.approval_required;
  return (
    <form onSubmit={submit} noValidate>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <TextInput label="Title (only you see it)" value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={200} />
            <Textarea label="Post" required autosize minRows={4} value={text} onChange={(e) => setText(e.currentTarget.value)} error={errors.text ?? fieldError(save.error, 'text')} />
            <Checkbox.Group label="Publish to" value={accountIds} onChange={setAccountIds} error={errors.accounts}>
              <Stack gap={6} mt={6}>
                {usable.map((a) => (
                  <Checkbox key={a.id} value={a.id} label={`${networkLabel(a.network)} · ${a.display_name}${a.status !== 'active' ? ' (reconnect needed)' : ''}`} />
                ))}
              </Stack>
            </Checkbox.Group>
            <MediaPicker label="Media for every network" value={media['*'] ?? []} onChange={(ids) => setMedia((m) => ({ ...m, '*': ids }))} />
            {networks.map((n) => (
              <Card withBorder key={n} p="sm">
                <Stack gap="xs">
                  <Switch
                    label={`Different text for ${networkLabel(n)}`}
                    checked={variants[n] !== undefined}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setVariants((v) => {
                        const next = { ...v };
                        if (on) next[n] = text;
                        else delete next[n];
                        return next;
                      });
                    }}
                  />
                  {variants[n] !== undefined && (
                    <Textarea label={`Text for ${networkLabel(n)}`} autosize minRows={2} value={variants[n]} onChange={(e) => { const value = e.currentTarget.value; setVariants((v) => ({ ...v, [n]: value })); }} />
                  )}
                  <MediaPicker label={`Media for ${networkLabel(n)} only`} value={media[n] ?? []} onChange={(ids) => setMedia((m) => ({ ...m, [n]: ids }))} />
                </Stack>
              </Card>
            ))}
            <AdaptWithAi draft={text} networks={networks} onApply={(n, value) => setVariants((v) => ({ ...v, [n]: value }))} />
            <Select
              label="Campaign"
              placeholder="None"
              clearable
              data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              value={campaignId}
              onChange={setCampaignId}
              error={fieldError(save.error, 'campaign_id')}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Title order={2} size="h4">Network checks</Title>
            {networks.length === 0 ? <Text size="sm" c="dimmed">Choose accounts to see each network's rules for this post.</Text> : <RuleChecks check={check} />}
            <Title order={2} size="h4">When</Title>
            {approvalRequired ? (
              <Alert color="yellow" variant="light" title="Approval required">
                This workspace needs an admin's approval before anything is published: saving submits the post for approval. Schedule or publish it once approved.
              </Alert>
            ) : (
              <SegmentedControl
                value={when}
                onChange={(v) => setWhen(v as When)}
                data={[
                  { value: 'draft', label: 'Keep as draft' },
                  { value: 'now', label: 'Publish now' },
                  { value: 'schedule', label: 'Schedule' },
                ]}
                aria-label="When to publish"
              />
            )}
            {!approvalRequired && when === 'schedule' && <ScheduleFields at={at} zone={zone} onAt={setAt} onZone={setZone} error={errors.at} />}
            <ErrorMessage error={save.error} />
            {broken && when !== 'draft' && <Text size="sm" c="red.9">Fix the rules above first: the networks would refuse this post.</Text>}
            <Group>
              <Button type="submit" loading={save.isPending} disabled={broken && when !== 'draft'}>
                {approvalRequired ? (post && post.status !== 'draft' ? 'Save' : 'Save and submit for approval') : when === 'now' ? 'Save and publish now' : when === 'schedule' ? 'Save and schedule' : 'Save draft'}
              </Button>
              <Button variant="default" onClick={() => navigate(post ? `/social/posts/${post.id}` : '/social')}>Cancel</Button>
            </Group>
          </Stack>
        </Grid.Col>
      </Grid>
    </form>
  );
}
