/** The routes an app has, for tests that must cover every one. */
import type { FastifyInstance } from 'fastify';

/** Every route the app has, as `METHOD /url`, read from Fastify's route tree (HEAD left out). */
export function routeList(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│├└─]*)(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m?.[2]) continue;
    const depth = (m[1] ?? '').length;
    while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= depth) stack.pop();
    const path = (stack.at(-1)?.path ?? '') + m[2];
    stack.push({ depth, path });
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.push(`${method} ${path}`);
    }
  }
  return out;
}
