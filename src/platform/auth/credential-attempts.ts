import type { FastifyRequest } from 'fastify';
import type { PlatformContext } from '../context.js';
import { tooManyRequests } from '../errors.js';

/**
 * Route pre-handler for endpoints that take a secret from an anonymous caller (login, signup,
 * password reset, invitation acceptance): one per-IP budget for all of them, tighter than the
 * general API limit, so guessing one kind of secret cannot be moved to another endpoint.
 */
export function limitCredentialAttempts(ctx: PlatformContext) {
  return async (request: FastifyRequest) => {
    const wait = await ctx.rateLimiter.check(`login-ip:${request.ip}`, ctx.config.rateLimits.loginPerIpPerMinute);
    if (wait) throw tooManyRequests(wait, 'Too many attempts from this address');
  };
}
