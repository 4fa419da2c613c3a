/**
 * Who may call each route, in one table keyed by the route the router matched (`GET
 * /api/models/:id`), never by the URL as the client spelled it: `/%61pi/templates`,
 * `//api/templates` or `/api/templates/` reach the same handler as `/api/templates`, so they must
 * meet the same check. A route that is missing from the table stops the server from starting.
 */
import { REVIEW_ROUTE_ROLES } from './routes/review.js';
import type { Role } from './storage/UserStore.js';

/**
 * What a route needs: nothing (`public`), any signed-in user, an administrator (the local user
 * is one), or at least a role on the model its `:id` names (administrators count as owners).
 */
export type Access = 'public' | 'signed-in' | 'admin' | { model: Role };

/** The role each `/api/models/:id` route needs, checked before any handler runs. */
export const MODEL_ROUTE_ROLES: Record<string, Role> = {
  'GET /api/models/:id': 'viewer',
  // Reviewers too, for triage and review progress only: changePolicy.ts decides what they may change.
  'PUT /api/models/:id': 'reviewer',
  'DELETE /api/models/:id': 'owner',
  'GET /api/models/:id/versions': 'viewer',
  'GET /api/models/:id/versions/:version': 'viewer',
  // Save version and restore: an editor's (a restore may change the design).
  'POST /api/models/:id/versions': 'editor',
  'POST /api/models/:id/versions/:version/restore': 'editor',
  'GET /api/models/:id/diff': 'viewer',
  'GET /api/models/:id/audit': 'viewer',
  'GET /api/models/:id/export': 'viewer',
  'GET /api/models/:id/thumbnail': 'viewer',
  'POST /api/models/:id/analyze': 'editor',
  'PATCH /api/models/:id/threats': 'reviewer',
  'POST /api/models/:id/roles': 'owner',
  ...REVIEW_ROUTE_ROLES,
};

/** Every route and what it needs. */
export const ROUTE_ACCESS: Record<string, Access> = {
  // The web app's files (and, without it, a page that asks the caller to sign in by itself).
  'GET /': 'public',
  'GET /*': 'public',
  'GET /healthz': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/json': 'public',
  'POST /api/login': 'public',
  'POST /api/logout': 'public',
  'GET /api/me': 'signed-in',
  'GET /api/models': 'signed-in',
  'POST /api/models': 'signed-in',
  'GET /api/formats': 'signed-in',
  'GET /api/templates': 'signed-in',
  'GET /api/templates/:id': 'signed-in',
  'GET /api/templates/:id/versions': 'signed-in',
  'GET /api/templates/:id/export': 'signed-in',
  // Templates are shared by every model that names them: only administrators add or change them.
  'POST /api/templates': 'admin',
  'POST /api/templates/:id/versions': 'admin',
  ...Object.fromEntries(Object.entries(MODEL_ROUTE_ROLES).map(([route, role]) => [route, { model: role }])),
};

/** The table's key for a route: `METHOD /pattern`, HEAD counting as GET. */
export function routeKey(method: string, pattern: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${pattern}`;
}

/** What a matched route needs; undefined for a route missing from the table. */
export function accessOf(method: string, pattern: string): Access | undefined {
  return ROUTE_ACCESS[routeKey(method, pattern)];
}
