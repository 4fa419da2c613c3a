/**
 * Versions made on purpose (issue 16.6). Until now every write stored a whole copy in
 * `model_versions`, so the web app's autosave left dozens of versions an hour, all called
 * "Saved". From now on the model row is the working copy and a version is made on purpose
 * (created, imported, saved with a message, signed off, restored), with its `kind` in a new
 * column. The autosaves already stored are folded here: of each run of automatic saves by one
 * author, each within 30 minutes of the one before, only the last is kept ("Edits by X (N saves)",
 * kind `folded`). Version 1, every version saved with a message of its own, every version a
 * sign-off in the model names, and each model's newest version are always kept, so sign-offs,
 * the ETag and the history's first and last entries mean what they meant. On SQLite the
 * document is moved to the end again afterwards, as 0004 does and for the same reason.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

export const name = '0006-fold-autosaves';

/** What a version is: how it was made. */
export type VersionKind = 'created' | 'imported' | 'saved' | 'signed-off' | 'restored' | 'folded';

/** A stored version as the fold sees it (no document). */
export interface VersionRow {
  version: number;
  author: string;
  message: string;
  created_at: string;
}

/** A save nobody named: the PUT default (the web app's autosave sent no message), an analysis, a triage patch. */
export function isAutomatic(message: string): boolean {
  return (
    message === 'Saved' ||
    /^Analysed: \d+ new, \d+ orphaned$/.test(message) ||
    /^Triaged \d+ threat\(s\)$/.test(message)
  );
}

/** Two saves further apart than this start separate runs. */
export const RUN_GAP_MS = 30 * 60 * 1000;

/** The kind of a version kept as it was. */
function kindOf(v: VersionRow): VersionKind {
  if (v.version === 1) return /^(Imported|Loaded) /.test(v.message) ? 'imported' : 'created';
  if (/^Signed off version \d+$/.test(v.message)) return 'signed-off';
  return 'saved';
}

/**
 * Which versions of one model stay, with their kind and message, and which go. `rows` are the
 * model's versions in any order; `pinned` the versions that must stay (those its sign-offs name).
 */
export function foldVersions(
  rows: readonly VersionRow[],
  pinned: ReadonlySet<number>,
): { keep: { version: number; kind: VersionKind; message: string }[]; drop: number[] } {
  const sorted = [...rows].sort((a, b) => a.version - b.version);
  const newest = sorted.at(-1)?.version;
  const keep: { version: number; kind: VersionKind; message: string }[] = [];
  const drop: number[] = [];
  let run: VersionRow[] = [];
  const close = () => {
    const last = run.at(-1);
    if (!last) return;
    for (const v of run.slice(0, -1)) drop.push(v.version);
    const n = run.length;
    keep.push({
      version: last.version,
      kind: 'folded',
      message: `Edits by ${last.author} (${n} save${n === 1 ? '' : 's'})`,
    });
    run = [];
  };
  for (const v of sorted) {
    if (v.version === 1 || !isAutomatic(v.message)) {
      close();
      keep.push({ version: v.version, kind: kindOf(v), message: v.message });
      continue;
    }
    const prev = run.at(-1);
    if (prev && (prev.author !== v.author || Date.parse(v.created_at) - Date.parse(prev.created_at) >= RUN_GAP_MS))
      close();
    run.push(v);
    // A version that must stay ends its run: it is the one kept.
    if (pinned.has(v.version) || v.version === newest) close();
  }
  close();
  return { keep, drop };
}

/** The versions a model's sign-offs name (none when the document does not parse). */
function signedVersions(document: string): Set<number> {
  try {
    const doc = JSON.parse(document) as { review?: { signOffs?: { version?: unknown }[] } };
    return new Set(
      (doc.review?.signOffs ?? []).map((s) => s.version).filter((v): v is number => typeof v === 'number'),
    );
  } catch {
    return new Set();
  }
}

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`ALTER TABLE model_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'saved'`.execute(db);
  // One model at a time: a database of large models is never held in memory whole.
  const ids = (await sql<{ id: string }>`SELECT id FROM models`.execute(db)).rows;
  for (const { id } of ids) {
    const model = (await sql<{ document: string }>`SELECT document FROM models WHERE id = ${id}`.execute(db)).rows[0];
    if (!model) continue;
    const rows = (
      await sql<VersionRow>`SELECT version, author, message, created_at FROM model_versions WHERE model_id = ${id}`.execute(
        db,
      )
    ).rows.map((r) => ({ ...r, version: Number(r.version) }));
    const { keep, drop } = foldVersions(rows, signedVersions(model.document));
    for (let i = 0; i < drop.length; i += 500) {
      const part = drop.slice(i, i + 500);
      await sql`DELETE FROM model_versions WHERE model_id = ${id} AND version IN (${sql.join(part)})`.execute(db);
    }
    for (const k of keep)
      await sql`UPDATE model_versions SET kind = ${k.kind}, message = ${k.message} WHERE model_id = ${id} AND version = ${k.version}`.execute(
        db,
      );
  }
  if (dialect !== 'sqlite') return;
  await sql`ALTER TABLE model_versions ADD COLUMN document_last TEXT NOT NULL DEFAULT ''`.execute(db);
  await sql`UPDATE model_versions SET document_last = document`.execute(db);
  await sql`ALTER TABLE model_versions DROP COLUMN document`.execute(db);
  await sql`ALTER TABLE model_versions RENAME COLUMN document_last TO document`.execute(db);
}
