import type { EmailMessage } from '../../../platform/email/mailer.js';

/** The email telling a post's author what an admin decided. */
export function decisionMail(input: { to: string; decision: 'approved' | 'rejected'; postTitle: string | null; excerpt: string; comment: string | null; postUrl: string | null }): EmailMessage {
  const name = input.postTitle ?? `"${input.excerpt.slice(0, 60)}${input.excerpt.length > 60 ? '…' : ''}"`;
  const lines = [
    input.decision === 'approved' ? `Your post ${name} was approved: it can now be scheduled.` : `Your post ${name} was not approved and is a draft again.`,
    ...(input.comment ? ['', `Comment: ${input.comment}`] : []),
    ...(input.decision === 'rejected' ? ['', 'Edit it and submit it again when it is ready.'] : []),
    ...(input.postUrl ? ['', input.postUrl] : []),
  ];
  return { to: input.to, subject: `Social: your post was ${input.decision}`, text: lines.join('\n') };
}
