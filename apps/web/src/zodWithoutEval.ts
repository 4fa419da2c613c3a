/**
 * zod 4 compiles object parsers with `new Function`, and to know whether it may, it tries one
 * when the first object schema is made. The app's Content-Security-Policy has no 'unsafe-eval'
 * (APP_CSP in apps/server/src/app.ts), so that try is a CSP violation the browser reports on
 * every page, though zod catches it. jitless skips the try and the compiled parsers.
 * main.tsx imports this module first, so it runs before any module that makes a schema.
 */
import { config } from 'zod';

config({ jitless: true });
