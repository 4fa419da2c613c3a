/**
 * Accounts (team mode): users with scrypt-hashed passwords, sessions, API tokens stored hashed,
 * an admin flag, and per-model roles.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword, newSecret, secretHash, verifyNoPassword, verifyPassword } from '../auth.js';
import { checkPassword, PasswordRefused } from '../passwordPolicy.js';
import type { Database } from './schema.js';

/** A user as the server sees it. */
export interface User {
  id: string;
  name: string;
  isAdmin: boolean;
}

/** Roles on a model, weakest first: each includes what the ones before it may do. */
export const ROLES = ['viewer', 'reviewer', 'editor', 'owner'] as const;
/** A role on a model. */
export type Role = (typeof ROLES)[number];

/** Does `have` include what `need` allows? */
export function roleAtLeast(have: Role | undefined, need: Role): boolean {
  return have !== undefined && ROLES.indexOf(have) >= ROLES.indexOf(need);
}

const SESSION_DAYS = 7;

/** What an API token may do: `read` only safe methods (GET, HEAD, OPTIONS), `write` anything its user may. */
export const TOKEN_SCOPES = ['read', 'write'] as const;
/** A token's scope. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];
/** How long a token lives unless told otherwise, in days. */
export const TOKEN_DAYS = 90;
/** The longest a token may live, in days. */
export const TOKEN_MAX_DAYS = 365;

/** An API token as listed (never its secret). */
export interface TokenInfo {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: string;
  /** Null only for a token stored without one (none is made so); it is refused. */
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The password, if the policy allows it for this user; else throws PasswordRefused. */
function allowed(password: string, name: string): string {
  const checked = checkPassword(password, name);
  if (!checked.ok) throw new PasswordRefused(checked.error);
  return checked.value;
}
const now = (): string => new Date().toISOString();

/** Users, sessions, tokens and model roles. */
export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds a user; fails if the name is taken, throws PasswordRefused if the password breaks the policy. */
  async add(name: string, password: string, isAdmin = false): Promise<User> {
    const id = randomUUID();
    const hash = await hashPassword(allowed(password, name));
    await this.db
      .insertInto('users')
      .values({ id, name, password_hash: hash, is_admin: isAdmin ? 1 : 0, created_at: now() })
      .execute();
    return { id, name, isAdmin };
  }

  /** Is there any account at all? */
  async any(): Promise<boolean> {
    return (await this.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  /** Every user, by name. */
  async list(): Promise<(User & { createdAt: string })[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'is_admin', 'created_at'])
      .orderBy('name')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, isAdmin: r.is_admin === 1, createdAt: r.created_at }));
  }

  /** The user with this name. */
  async byName(name: string): Promise<User | undefined> {
    const r = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'is_admin'])
      .where('name', '=', name)
      .executeTakeFirst();
    return r ? { id: r.id, name: r.name, isAdmin: r.is_admin === 1 } : undefined;
  }

  /** Removes a user (their sessions, tokens and roles go with them). */
  async remove(name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Sets a new password, ends every session of the user and revokes every token (whoever knew
   * the old password may have made one); throws PasswordRefused if the password breaks the policy
   * (the old one stays). One transaction: nothing of the old access outlives the new password.
   */
  async resetPassword(name: string, password: string): Promise<boolean> {
    const user = await this.byName(name);
    if (!user) return false;
    const hash = await hashPassword(allowed(password, name));
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: now() })
        .where('user_id', '=', user.id)
        .where('revoked_at', 'is', null)
        .execute();
    });
    return true;
  }

  /**
   * The user, if the password is right. An unknown name, or a user without a password, costs a
   * password check all the same, so how long the answer takes does not tell which names exist.
   */
  async verify(name: string, password: string): Promise<User | undefined> {
    const r = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'is_admin', 'password_hash'])
      .where('name', '=', name)
      .executeTakeFirst();
    const right = r?.password_hash ? await verifyPassword(password, r.password_hash) : await verifyNoPassword(password);
    if (!r || !right) return undefined;
    return { id: r.id, name: r.name, isAdmin: r.is_admin === 1 };
  }

  /** Starts a session; returns its secret id (for the cookie) and its CSRF token. */
  async createSession(userId: string): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = newSecret('bws');
    const csrfToken = newSecret('csrf');
    const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000).toISOString();
    await this.db
      .insertInto('sessions')
      .values({
        id: secretHash(sessionId),
        user_id: userId,
        csrf_token: csrfToken,
        expires_at: expires,
        created_at: now(),
      })
      .execute();
    return { sessionId, csrfToken };
  }

  /** The session's user and CSRF token, if it exists and has not expired. */
  async session(sessionId: string): Promise<{ user: User; csrfToken: string } | undefined> {
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.name', 'users.is_admin', 'sessions.csrf_token', 'sessions.expires_at'])
      .where('sessions.id', '=', secretHash(sessionId))
      .executeTakeFirst();
    if (!r || r.expires_at < now()) return undefined;
    return { user: { id: r.id, name: r.name, isAdmin: r.is_admin === 1 }, csrfToken: r.csrf_token };
  }

  /** Ends a session. */
  async endSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', secretHash(sessionId)).execute();
  }

  /**
   * Creates an API token for a user; the token itself is returned once and never stored. Scope
   * `write` (the default here: callers that name none act as the user) or `read`; it expires after
   * `expiresInDays` (1 to 365, default 90).
   */
  async createToken(
    userId: string,
    name: string,
    options: { scope?: TokenScope; expiresInDays?: number } = {},
  ): Promise<{ id: string; token: string; scope: TokenScope; expiresAt: string }> {
    const scope = options.scope ?? 'write';
    const days = options.expiresInDays ?? TOKEN_DAYS;
    if (!TOKEN_SCOPES.includes(scope)) throw new RangeError(`A token's scope is read or write, not "${scope}".`);
    if (!Number.isInteger(days) || days < 1 || days > TOKEN_MAX_DAYS)
      throw new RangeError(`A token lives 1 to ${TOKEN_MAX_DAYS} days, not ${days}.`);
    const id = randomUUID();
    const token = newSecret('bwk');
    const expiresAt = new Date(Date.now() + days * 86_400_000).toISOString();
    await this.db
      .insertInto('api_tokens')
      .values({
        id,
        user_id: userId,
        name,
        token_hash: secretHash(token),
        created_at: now(),
        revoked_at: null,
        scope,
        expires_at: expiresAt,
      })
      .execute();
    return { id, token, scope, expiresAt };
  }

  /** Revokes a token by id. */
  async revokeToken(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The tokens of a user (never the secrets), oldest first. */
  async tokens(userId: string): Promise<TokenInfo[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'scope', 'created_at', 'expires_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      scope: r.scope,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** The user a live token (not revoked, not expired) belongs to, and what the token may do. */
  async byToken(token: string): Promise<{ user: User; scope: TokenScope } | undefined> {
    const r = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['users.id', 'users.name', 'users.is_admin', 'api_tokens.scope'])
      .where('api_tokens.token_hash', '=', secretHash(token))
      .where('api_tokens.revoked_at', 'is', null)
      // A token without an expiry (none is made so) fails the comparison too.
      .where('api_tokens.expires_at', '>', now())
      .executeTakeFirst();
    return r ? { user: { id: r.id, name: r.name, isAdmin: r.is_admin === 1 }, scope: r.scope } : undefined;
  }

  /** A user's role on a model. */
  async role(modelId: string, userId: string): Promise<Role | undefined> {
    const r = await this.db
      .selectFrom('model_roles')
      .select('role')
      .where('model_id', '=', modelId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r?.role as Role | undefined;
  }

  /** Gives a user a role on a model (replacing the one they had). */
  async grant(modelId: string, userId: string, role: Role): Promise<void> {
    await this.db.deleteFrom('model_roles').where('model_id', '=', modelId).where('user_id', '=', userId).execute();
    await this.db.insertInto('model_roles').values({ model_id: modelId, user_id: userId, role }).execute();
  }

  /** The ids of the models a user has any role on. */
  async modelIds(userId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('model_roles').select('model_id').where('user_id', '=', userId).execute();
    return new Set(rows.map((r) => r.model_id));
  }
}
