/**
 * @bulwark/server: the HTTP API over SQLite or PostgreSQL. `startServer` is what
 * `bulwark serve` (and `npm start`) run.
 */

/** The Fastify app, for embedding and tests. */
export { type AppOptions, buildApp } from './app.js';
/** Online backups of the SQLite database. */
export { backupDatabase } from './backup.js';
/** The password policy (NIST SP 800-63B), for callers that set passwords (bulwark users). */
export { checkPassword, PASSWORD_MAX, PASSWORD_MIN, PasswordRefused } from './passwordPolicy.js';
/** Starting and stopping the server. */
export { isLoopback, type RunningServer, type ServeOptions, startServer } from './startServer.js';
/** Opening the database (migrated on open). */
export { DEFAULT_DB_URL, type Dialect, openStore, parseDbUrl, type Store } from './storage/database.js';
/** Models, versions and the audit log. */
export {
  type AuditEntry,
  ModelStore,
  type ModelSummary,
  type SaveResult,
  type StoredModel,
} from './storage/ModelStore.js';
/** Accounts: users, sessions, API tokens, per-model roles. */
export { ROLES, type Role, type User, UserStore } from './storage/UserStore.js';
