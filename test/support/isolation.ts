import assert from 'node:assert/strict';
import type { TestPlatform } from './platform.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One route that takes an id owned by tenant B. */
export interface IsolationRoute<Ids> {
  method: Method;
  url: (ids: Ids) => string;
  /** A valid body for the route, so the answer is about the id, not about bad input. */
  body?: unknown | ((ids: Ids) => unknown);
  /**
   * The status tenant B itself gets on the same request. When given, B's request runs after
   * all of A's attempts: it proves the id was real (so A's 404 is isolation, not a typo) and
   * that A's attempts changed nothing. Order routes so B's own calls do not interfere.
   */
  ownerStatus?: number;
}

export interface IsolationScenario<Ids> {
  /** Tenant A: should see nothing of B. Give it its org's highest role, so a 404 cannot be a role check. */
  attackerToken: string;
  /** Tenant B, owner of the resources in `ids`. */
  ownerToken: string;
  ids: Ids;
  routes: IsolationRoute<Ids>[];
}

/**
 * The isolation matrix (DESIGN.md invariant 2): tenant A asking for any of tenant B's
 * resources gets 404 NOT_FOUND, never 403 (which would confirm the id exists) and never
 * success. Every route is tried and all failures are reported together.
 */
export async function assertTenantIsolation<Ids>(t: TestPlatform, scenario: IsolationScenario<Ids>): Promise<void> {
  const { ids, routes } = scenario;
  const bodyOf = (r: IsolationRoute<Ids>) => (typeof r.body === 'function' ? (r.body as (ids: Ids) => unknown)(ids) : r.body);
  const failures: string[] = [];
  for (const route of routes) {
    const url = route.url(ids);
    const res = await t.request(route.method, url, { token: scenario.attackerToken, body: bodyOf(route) });
    let code: unknown;
    try {
      code = res.json().code;
    } catch {
      code = undefined;
    }
    // ROUTE_NOT_FOUND means the URL itself is wrong, which would make the check meaningless.
    if (res.statusCode !== 404 || code !== 'NOT_FOUND') failures.push(`${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  for (const route of routes) {
    if (route.ownerStatus === undefined) continue;
    const url = route.url(ids);
    const res = await t.request(route.method, url, { token: scenario.ownerToken, body: bodyOf(route) });
    if (res.statusCode !== route.ownerStatus) {
      failures.push(`owner's own ${route.method} ${url} → ${res.statusCode} (expected ${route.ownerStatus}): ${res.body.slice(0, 200)}`);
    }
  }
  assert.deepEqual(failures, [], `tenant isolation broken on ${failures.length} route(s):\n${failures.join('\n')}`);
}
