/**
 * Comments on a model, an element or a threat, in threads: a root comment and its replies (one
 * level). Resolving marks a whole thread. Every create and resolve is written to the audit log
 * in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { writeAudit } from './ModelStore.js';
import type { CommentsTable, Database } from './schema.js';

/** A comment as the API hands it out. */
export interface Comment {
  id: string;
  modelId: string;
  /** `model`, `element:<elementId>` or `threat:<threatId>`. */
  target: string;
  /** The thread's root comment, for a reply; null for a root comment. */
  parentId: string | null;
  author: string;
  body: string;
  /** Meaningful on a root comment: the whole thread is resolved. */
  resolved: boolean;
  createdAt: string;
}

const toComment = (r: CommentsTable): Comment => ({
  id: r.id,
  modelId: r.model_id,
  target: r.target,
  parentId: r.parent_id,
  author: r.author,
  body: r.body,
  resolved: r.resolved === 1,
  createdAt: r.created_at,
});

/** Audit subjects name the comment and what it is on, so the log reads without the table. */
const subject = (c: Pick<Comment, 'id' | 'target'>): string => `${c.target} comment ${c.id}`;

/** Comment storage over either database. */
export class CommentStore {
  /** The last creation time handed out: comments made in the same millisecond still list in order. */
  private last = 0;

  constructor(private readonly db: Kysely<Database>) {}

  /** Every comment on a model, oldest first (threads are put together by `parentId`). */
  async list(modelId: string): Promise<Comment[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('model_id', '=', modelId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
  }

  /** One comment of a model, or undefined. */
  async get(modelId: string, id: string): Promise<Comment | undefined> {
    const r = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toComment(r) : undefined;
  }

  /** Adds a comment (a reply when `parentId` is set) and its audit entry. */
  async add(
    modelId: string,
    fields: { target: string; parentId: string | null; author: string; body: string },
  ): Promise<Comment> {
    const comment: Comment = {
      id: randomUUID(),
      modelId,
      ...fields,
      resolved: false,
      createdAt: this.nextTime(),
    };
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('comments')
        .values({
          id: comment.id,
          model_id: modelId,
          target: comment.target,
          parent_id: comment.parentId,
          author: comment.author,
          body: comment.body,
          resolved: 0,
          created_at: comment.createdAt,
        })
        .execute();
      await writeAudit(tx, modelId, [
        {
          at: comment.createdAt,
          actor: comment.author,
          action: comment.parentId ? 'comment.replied' : 'comment.added',
          subject: subject(comment),
          field: null,
          oldValue: null,
          newValue: comment.body,
        },
      ]);
    });
    return comment;
  }

  private nextTime(): string {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last).toISOString();
  }

  /** Resolves or reopens a thread (its root comment) and writes the audit entry. */
  async setResolved(comment: Comment, resolved: boolean, actor: string): Promise<Comment> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('comments')
        .set({ resolved: resolved ? 1 : 0 })
        .where('model_id', '=', comment.modelId)
        .where('id', '=', comment.id)
        .execute();
      await writeAudit(tx, comment.modelId, [
        {
          at: new Date().toISOString(),
          actor,
          action: resolved ? 'comment.resolved' : 'comment.reopened',
          subject: subject(comment),
          field: 'resolved',
          oldValue: String(comment.resolved),
          newValue: String(resolved),
        },
      ]);
    });
    return { ...comment, resolved };
  }
}
