/** The tables, as Kysely sees them. One schema for SQLite and PostgreSQL (text for JSON and times). */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
  /** `read` (GET, HEAD, OPTIONS only) or `write` (migration 0002; a CHECK keeps it to these). */
  scope: Generated<'read' | 'write'>;
  /** When it stops working; always set for new tokens (a token without one is refused). */
  expires_at: string | null;
}

export interface ModelsTable {
  id: string;
  name: string;
  template_id: string;
  /** The current document: a ThreatModel as JSON. */
  document: string;
  /** Incremented by every save; writes must name the version they read. */
  version: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
  /** Open high-priority threats in the document (migration 0005; every save writes it). */
  open_high_threats: Generated<number>;
  /** Elements, flows and boundaries on every diagram (migration 0005). */
  element_count: Generated<number>;
}

export interface ModelVersionsTable {
  model_id: string;
  version: number;
  document: string;
  author: string;
  message: string;
  created_at: string;
  /** How the version was made (migration 0006): created, imported, saved, signed-off, restored, folded. */
  kind: Generated<string>;
}

export interface ModelRolesTable {
  model_id: string;
  user_id: string;
  role: string;
}

export interface TemplatesTable {
  id: string;
  version: string;
  name: string;
  document: string;
  builtin: number;
  created_at: string;
}

export interface CommentsTable {
  id: string;
  model_id: string;
  target: string;
  parent_id: string | null;
  author: string;
  body: string;
  resolved: number;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  model_id: string | null;
  action: string;
  subject: string | null;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}

/** Every table. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_roles: ModelRolesTable;
  templates: TemplatesTable;
  comments: CommentsTable;
  audit_log: AuditLogTable;
}
