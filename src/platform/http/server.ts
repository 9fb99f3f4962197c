import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PlatformContext } from '../context.js';
import type { Principal } from '../auth/principal.js';
import type { TenantryApp } from '../apps.js';
import type { MigrationSource } from '../db/migrate.js';
import { migrationSourcesFor } from '../db/sources.js';
import { Authenticator } from '../auth/authenticate.js';
import { installErrorHandler } from './error-handler.js';
import { installSecurityHeaders } from './security-headers.js';
import { installTransportSecurity } from './transport-security.js';
import { drainUnreadBodies } from './unread-body.js';
import { requestLogSerializer } from './request-log.js';
import { compiledSerializerCompiler } from './compiled-serializer.js';
import { fastifyTrustProxy } from '../config/trust-proxy.js';
import { serveWebApp, type WebApp } from './web-app.js';
import { tooManyRequests } from '../errors.js';
import { metricsPlugin } from './metrics.js';
import { assertAppMetricName, processMetrics } from './app-metrics.js';
import { jobMetrics } from '../jobs/job-metrics.js';
import { healthRoutes } from './health.routes.js';
import { authRoutes } from '../auth/auth.routes.js';
import { membersRoutes } from '../tenancy/members.routes.js';
import { apiKeysRoutes } from '../apikeys/api-keys.routes.js';
import { adminRoutes } from '../admin/admin.routes.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { usageRoutes } from '../usage/usage.routes.js';
import { jobsRoutes } from '../jobs/jobs.routes.js';
import { realtimeRoutes } from '../realtime/realtime.routes.js';
import { websocketPluginOptions } from '../realtime/ws-protocol.js';
import { filesRoutes } from '../storage/files.routes.js';
import { signedUrlRoutes } from '../storage/signed-url.routes.js';
import { shareLinksRoutes } from '../sharing/share-links.routes.js';
import { sharePublicRoutes } from '../sharing/share-public.routes.js';
import type { ShareHandler } from '../sharing/share-handler.js';
import { RequestCounter } from '../usage/request-counter.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * Lets browsers authenticate where they cannot set headers (SSE, WebSocket): ?ticket= or
     * a WebSocket subprotocol credential. Access tokens in URLs are refused (they end up in logs).
     */
    allowTicket?: boolean;
    /** Skips every rate limit (the OpenAPI document). */
    skipRateLimit?: boolean;
    /**
     * Public routes that never look at credentials (health, readiness, metrics): an
     * Authorization header is not even parsed, so it cannot cost a database query.
     */
    skipAuth?: boolean;
    /**
     * The liveness probe: still counted against the per-IP limit, but answered when the limit
     * cannot be checked (Redis unreachable), since the process itself is alive and restarting
     * it would not bring Redis back.
     */
    livenessProbe?: boolean;
  }
  interface FastifyInstance {
    authenticator: Authenticator;
    /** Authenticated requests per org and day, flushed to request_daily (request-counter.ts). */
    requestCounter: RequestCounter;
    ctx: PlatformContext;
    migrationSources: MigrationSource[];
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ROUTER_OPTIONS = { maxParamLength: 200 };

export async function buildServer(ctx: PlatformContext, apps: TenantryApp[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logs carry paths without query strings and with tokens masked (request-log.ts).
    loggerInstance: ctx.log.child({}, { serializers: { req: requestLogSerializer } }) as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
    // Accept a caller's x-request-id when it is sane, so a request can be traced across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: ROUTER_OPTIONS,
    // Fastify's default of 10 s per plugin was exceeded by swagger-ui's registration on two
    // loaded cores (a test start failed); a plugin that truly hangs still fails the start.
    pluginTimeout: 60_000,
    forceCloseConnections: false,
    // Requests node's HTTP parser refuses (headers or URL over its size limit, broken framing)
    // never reach Fastify's error handler: answer them in the envelope, on the raw socket.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const [status, text, message] = err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'The request headers (URL included) are too large: send a shorter URL and fewer or smaller headers']
        : [400, 'Bad Request', 'The HTTP request is malformed'];
      const requestId = randomUUID();
      const body = JSON.stringify({ success: false, error: message, code: status === 431 ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST', requestId });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`);
    },
    // Malformed URLs (bad percent-escapes) are refused by the router before any hook runs: answer them in the envelope too.
    frameworkErrors: (err, request, res) => {
      const requestId = String(request.id);
      const reply = res as FastifyReply;
      reply
        .status(400)
        .header('x-request-id', requestId)
        .send({ success: false, error: `Malformed URL (${err.code === 'FST_ERR_BAD_URL' ? 'an invalid percent-escape' : 'an invalid request'}): percent-encode the path and query as UTF-8`, code: 'BAD_URL', requestId });
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Compiled answers (compiled-serializer.ts). Tests (NODE_ENV=test) keep zod's check of every
  // answer, which production skips for speed: a wrong answer is a route's bug, for tests to find.
  const crossCheck = ctx.config.serializerCrossCheck;
  app.setSerializerCompiler(compiledSerializerCompiler({ check: ctx.config.env === 'test' || crossCheck, crossCheck, log: app.log }));
  // The web app is registered last; until then (and without a build) nothing is a page.
  const web: { app?: WebApp } = {};
  installErrorHandler(app, { ...ROUTER_OPTIONS, pageFallback: (request, reply) => web.app?.servePage(request, reply) ?? false });
  app.decorate('ctx', ctx);
  app.decorate('migrationSources', migrationSourcesFor(apps));
  app.decorate('authenticator', new Authenticator(ctx));
  app.decorateRequest('principal', null);
  const requestCounter = new RequestCounter(ctx.database.db, app.log, ctx.config.requestCountFlushSeconds * 1000);
  app.decorate('requestCounter', requestCounter);
  app.addHook('onReady', async () => requestCounter.start());
  // Before the database closes (the platform closes it after the server): the last counts are written.
  app.addHook('onClose', async () => requestCounter.stop());

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  drainUnreadBodies(app);

  installSecurityHeaders(app, ctx);
  installTransportSecurity(app, ctx.config);
  await app.register(cors, {
    origin: ctx.config.corsOrigins.includes('*') ? true : ctx.config.corsOrigins,
    credentials: !ctx.config.corsOrigins.includes('*'),
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tenantry API', version: '0.1.0', description: 'Multi-tenant platform and its apps. Errors use {success:false, error, code, details?, requestId}.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Access token (JWT) or API key (tnt_…)' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(metricsPlugin, {
    enabled: ctx.config.metrics.enabled,
    token: ctx.config.metrics.token,
    observed: processMetrics(ctx),
    appMetrics: [...jobMetrics(ctx), ...apps.flatMap((a) => (a.metrics?.(ctx) ?? []).map((m) => (assertAppMetricName(a.name, m), m)))],
    onCollectError: (metric, err) => ctx.log.warn({ err, metric }, 'an app metric could not be collected'),
  });
  // Once, at the root: it owns the server's 'upgrade' event for every WebSocket route.
  await app.register(websocket, websocketPluginOptions);

  // Rate limit per IP first (cheap), then authenticate, then per user and per org.
  const limits = ctx.config.rateLimits;
  app.addHook('onRequest', async (request) => {
    const options = request.routeOptions.config;
    if (options?.skipRateLimit) return;
    const wait = await ctx.rateLimiter.check(`ip:${request.ip}`, limits.ipPerMinute).catch((err) => {
      if (options?.livenessProbe) return 0;
      throw err;
    });
    if (wait) throw tooManyRequests(wait);
  });
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.skipAuth) return;
    request.principal = await app.authenticator.resolve(request);
    const p = request.principal;
    if (!p) return;
    requestCounter.count(p.orgId);
    if (request.routeOptions.config?.skipRateLimit) return;
    if (p.userId) {
      const wait = await ctx.rateLimiter.check(`user:${p.userId}`, limits.userPerMinute);
      if (wait) throw tooManyRequests(wait, 'Too many requests for this user');
    }
    const wait = await ctx.rateLimiter.check(`org:${p.orgId}`, limits.orgPerMinute);
    if (wait) throw tooManyRequests(wait, 'Too many requests for this organization');
  });

  await app.register(healthRoutes);
  await app.register(signedUrlRoutes);
  const shareHandlers = new Map<string, ShareHandler>(apps.flatMap((a) => (a.share ? [[a.name, a.share] as const] : [])));
  await app.register(sharePublicRoutes, { handlers: shareHandlers });
  app.get('/openapi.json', { schema: { hide: true }, config: { skipRateLimit: true, skipAuth: true } }, async () => app.swagger());
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth' });
      await api.register(membersRoutes);
      await api.register(apiKeysRoutes, { prefix: '/api-keys' });
      await api.register(auditRoutes, { prefix: '/audit' });
      await api.register(usageRoutes, { prefix: '/usage' });
      await api.register(jobsRoutes, { prefix: '/jobs' });
      await api.register(realtimeRoutes);
      await api.register(filesRoutes, { prefix: '/files' });
      await api.register(shareLinksRoutes, { prefix: '/share-links', handlers: shareHandlers });
      await api.register(adminRoutes, { prefix: '/admin' });
    },
    { prefix: '/api/v1' },
  );
  for (const a of apps) {
    if (a.routes) await app.register(async (scope) => a.routes!(scope, ctx), { prefix: a.prefix });
  }
  web.app = await serveWebApp(app, ctx.config, apps.map((a) => a.prefix));
  return app;
}
