import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, pageQuery, requestMeta } from '../../../platform/http/schemas.js';
import { pageSchema } from '../../../platform/db/page.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { approvalView, postView } from '../posts/post.schema.js';
import { ApprovalsService } from './approvals.service.js';

const decisionBody = z.strictObject({ comment: z.string().trim().max(2000).optional() });
const rejectionBody = z.strictObject({ comment: z.string().trim().min(1, 'say why, so the author knows what to change').max(2000) });
const queueItem = approvalView.extend({ post_id: z.string(), title: z.string().nullable(), text: z.string() });

export async function approvalsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const approvals = new ApprovalsService(app.ctx);
  const tags = ['social: approvals'];

  app.post('/posts/:id/submit', {
    schema: { tags, description: 'Submit a draft for approval (editors and admins): its current version waits for an admin.', params: idParams, response: { 200: ok(postView) } },
  }, async (request) => wrap(await approvals.submit(requireWorkspace(request, 'editor'), request.params.id, requestMeta(request)), 'Submitted for approval'));

  app.post('/posts/:id/approve', {
    schema: { tags, description: 'Approve a submitted post (admins only; an editor gets 403). The author is emailed.', params: idParams, body: decisionBody, response: { 200: ok(postView) } },
  }, async (request) => wrap(await approvals.decide(requireWorkspace(request, 'admin'), request.params.id, 'approved', request.body.comment ?? null, requestMeta(request)), 'Approved'));

  app.post('/posts/:id/reject', {
    schema: { tags, description: 'Reject a submitted post with a comment (admins only). It becomes a draft again; the author is emailed.', params: idParams, body: rejectionBody, response: { 200: ok(postView) } },
  }, async (request) => wrap(await approvals.decide(requireWorkspace(request, 'admin'), request.params.id, 'rejected', request.body.comment, requestMeta(request)), 'Rejected'));

  app.get('/posts/:id/approvals', {
    schema: { tags, description: 'The post\'s approval requests and decisions, newest first.', params: idParams, response: { 200: ok(z.array(approvalView.extend({ post_id: z.string() }))) } },
  }, async (request) => wrap(await approvals.history(requireWorkspace(request), request.params.id)));

  app.get('/approvals', {
    schema: { tags, description: 'The approval queue: requests waiting (or with `decision`), oldest first.', querystring: pageQuery.extend({ decision: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).optional() }), response: { 200: ok(pageSchema(queueItem)) } },
  }, async (request) => wrap(await approvals.list(requireWorkspace(request), request.query)));
}
