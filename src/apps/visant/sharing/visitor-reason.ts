/**
 * The reason a visitor of a public gallery reads. The stored reason is written for the
 * device's owner (what it was compared with, "mark a capture as normal"); a visitor can act
 * on none of that, so the gallery says in plain words what the judgement means. A hosted
 * model's own description of the image is kept, since it describes only what is shown.
 */
export function visitorReason(state: string | null, details: Record<string, unknown> | null): string {
  const basis = typeof details?.basis === 'string' ? details.basis : null;
  const region = typeof details?.most_changed_region === 'string' ? details.most_changed_region : null;
  if (basis === 'hosted_model' && typeof details?.model_reason === 'string') return details.model_reason;
  if (basis === 'not_enough_history') return 'Not judged yet: the camera is still learning what its view usually looks like.';
  switch (state) {
    case 'normal':
      return 'Looks like the usual view of this camera.';
    case 'abnormal':
      return `Something looks different from the usual view${region ? `, most of all in the ${region}` : ''}.`;
    case 'uncertain':
      return `Partly different from the usual view${region ? `, mainly in the ${region}` : ''}.`;
    default:
      return 'Not judged yet.';
  }
}
