import { Alert, Anchor, Badge, Box, Group, NativeSelect, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, QueryView } from '../../platform/components';
import { brandKey, useBrand } from './hooks';
import { STEP_LABELS, STEPS } from './types';
import type { Brand, WizardStep } from './types';
import { SocialStep } from './steps/SocialStep';
import { IdentityStep } from './steps/IdentityStep';
import { PaletteStep } from './steps/PaletteStep';
import { FontsStep } from './steps/FontsStep';
import { LogoStep } from './steps/LogoStep';
import { ProductsStep } from './steps/ProductsStep';
import { MockupsStep } from './steps/MockupsStep';
import { ReviewStep } from './steps/ReviewStep';

const STEP_PAGES: Record<WizardStep, (props: { brand: Brand }) => React.ReactNode> = {
  social: SocialStep,
  identity: IdentityStep,
  palette: PaletteStep,
  fonts: FontsStep,
  logo: LogoStep,
  products: ProductsStep,
  mockups: MockupsStep,
  review: ReviewStep,
};

/**
 * One wizard step of a brand at /brandkit/brands/:brandId/wizard/:step, the API's step_url:
 * reloading, or opening the link on another device, shows the same step. The stepper revisits
 * any step (POST go-to, so the wizard resumes there next time).
 */
export function WizardPage() {
  const { brandId = '', step = '' } = useParams();
  const brand = useBrand(brandId);
  return (
    <QueryView query={brand}>
      {(b) => {
        if (!STEPS.includes(step as WizardStep)) return <Navigate to={b.step_url} replace />;
        return <Wizard brand={b} step={step as WizardStep} />;
      }}
    </QueryView>
  );
}

function Wizard({ brand, step }: { brand: Brand; step: WizardStep }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const goTo = useMutation({
    mutationFn: (to: WizardStep) => call(api.POST('/brandkit/api/brands/{brandId}/go-to', { params: { path: { brandId: brand.id } }, body: { step: to } })),
    onSuccess: (b) => {
      queryClient.setQueryData(brandKey(brand.id), b);
      void navigate(b.step_url);
    },
  });
  const final = brand.status === 'submitted' || brand.status === 'published';
  const open = (to: WizardStep) => (final ? void navigate(`/brandkit/brands/${brand.id}/wizard/${to}`) : goTo.mutate(to));
  const state = brand.steps.find((s) => s.step === step);
  const Page = STEP_PAGES[step];
  return (
    <Stack gap="lg">
      <Group justify="space-between" wrap="wrap">
        <div>
          <Anchor component={Link} to="/brandkit" size="sm">
            ← Your brands
          </Anchor>
          <Title order={1} size="h2">
            {brand.name ?? 'Untitled brand'}
          </Title>
        </div>
        <Badge size="lg" variant="light" color={final ? 'teal' : 'blue'}>
          {brand.status.replace('_', ' ')}
        </Badge>
      </Group>
      {/* A phone has no room for eight steps side by side: it picks the step from a list. */}
      <Box component="nav" aria-label="Wizard steps" className="bk-stepper" visibleFrom="sm">
        <Stepper
          active={STEPS.indexOf(step)}
          onStepClick={(i) => open(STEPS[i])}
          size="sm"
          allowNextStepsSelect
          miw={760}
          styles={{ steps: { flexWrap: 'nowrap' } }}
        >
          {brand.steps.map((s) => (
            <Stepper.Step
              key={s.step}
              label={STEP_LABELS[s.step]}
              description={stepStatus(s)}
              completedIcon={s.complete ? undefined : <span aria-hidden>!</span>}
              aria-label={`${STEP_LABELS[s.step]}: ${s.complete ? 'complete' : 'missing ' + s.missing.join(', ')}`}
            />
          ))}
        </Stepper>
      </Box>
      <Box component="nav" aria-label="Wizard steps" hiddenFrom="sm">
        <NativeSelect
          label="Step"
          description={`${STEPS.indexOf(step) + 1} of ${brand.steps.length}`}
          value={step}
          onChange={(e) => open(e.currentTarget.value as WizardStep)}
          data={brand.steps.map((s, i) => ({ value: s.step, label: `${i + 1}. ${STEP_LABELS[s.step]} (${stepStatus(s)})` }))}
        />
      </Box>
      {goTo.isError && <ErrorMessage error={goTo.error} />}
      {final && (
        <Alert color="teal" title="Submitted">
          This brand was submitted{brand.submitted_at ? ` on ${new Date(brand.submitted_at).toLocaleDateString()}` : ''}: it is final. You can still look through it and download its files.
        </Alert>
      )}
      {state && state.missing.length > 0 && (
        <Text size="sm" data-testid="step-missing">
          Still needed here: {state.missing.join(', ')}
        </Text>
      )}
      <Page brand={brand} />
    </Stack>
  );
}

function stepStatus(s: Brand['steps'][number]): string {
  return s.complete ? (s.required ? 'done' : 'optional') : 'to do';
}
