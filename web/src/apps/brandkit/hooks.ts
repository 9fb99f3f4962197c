import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../../platform/api';
import type { paths } from '../../api/schema';
import { subscribe } from '../../platform/realtime';
import type { Brand, Job, WizardStep } from './types';

export const brandKey = (brandId: string) => ['brandkit', 'brand', brandId];

export function useBrand(brandId: string) {
  return useQuery({
    queryKey: brandKey(brandId),
    queryFn: () => call(api.GET('/brandkit/api/brands/{brandId}', { params: { path: { brandId } } })),
  });
}

/** The body a step's route declares (each step has its own route, so the generated client knows it). */
export type StepBody<S extends WizardStep> = NonNullable<paths[`/brandkit/api/brands/{brandId}/steps/${S}`]['put']['requestBody']>['content']['application/json'];

/** One typed request per step: the path names the step, so each body is checked against its own schema. */
const saveRequests: { [S in WizardStep]: (brandId: string, body: StepBody<S>) => Promise<Brand> } = {
  social: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/social', { params: { path: { brandId } }, body })),
  identity: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/identity', { params: { path: { brandId } }, body })),
  palette: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/palette', { params: { path: { brandId } }, body })),
  fonts: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/fonts', { params: { path: { brandId } }, body })),
  logo: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/logo', { params: { path: { brandId } }, body })),
  products: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/products', { params: { path: { brandId } }, body })),
  mockups: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/mockups', { params: { path: { brandId } }, body })),
  review: (brandId, body) => call(api.PUT('/brandkit/api/brands/{brandId}/steps/review', { params: { path: { brandId } }, body })),
};

/**
 * Saves one step (partial: only what is sent changes). When the step is then complete the API
 * moves the wizard on, and the page follows its step_url; otherwise it stays where it is.
 */
export function useSaveStep<S extends WizardStep>(brandId: string, step: S) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: ({ body }: { body: StepBody<S>; stay?: boolean }) => saveRequests[step](brandId, body),
    onSuccess: (brand: Brand, { stay }) => {
      queryClient.setQueryData(brandKey(brandId), brand);
      void queryClient.invalidateQueries({ queryKey: ['brandkit', 'brands'] });
      if (!stay && brand.current_step !== step) void navigate(brand.step_url);
    },
  });
}

/** A background job's state: read once, then followed on its realtime topic `job:<id>` (no polling). */
export function useJob(jobId: string | null, onDone?: (job: Job) => void) {
  const [job, setJob] = useState<Job | null>(null);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    setJob(null);
    if (!jobId) return;
    let finished = false;
    const take = (j: Job) => {
      if (finished) return;
      setJob(j);
      if (j.state === 'completed' || j.state === 'failed' || j.state === 'cancelled') {
        finished = true;
        done.current?.(j);
      }
    };
    const read = () => void call(api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } } })).then(take, () => undefined);
    const subscription = subscribe<Job>([`job:${jobId}`], {
      onEvent: ({ payload }) => payload && payload.id === jobId && take(payload),
      onReady: read,
    });
    read();
    return () => subscription.close();
  }, [jobId]);
  return job;
}

export const jobRunning = (job: Job | null) => !!job && (job.state === 'queued' || job.state === 'active' || job.state === 'retry');

export { downloadWithSession } from '../../platform/session-files';
