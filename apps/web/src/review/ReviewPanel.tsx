/**
 * Comments and sign-off in the editor: the threads on what is selected (an element, a threat, or
 * the model), a new comment, replies, resolve and reopen; where the model stands with its
 * sign-offs ("changed since" with a way to the diff), and the sign-off itself for reviewers and
 * owners. Threads live on the server; sign-offs live in the model (the server saves them).
 */
import { displayName, type SignOff, type ThreatModel } from '@bulwark/core';
import { type SignOffState, signOffState, signOffWords } from '@bulwark/report';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { addComment, type Comment, listComments, setResolved, signOff } from './reviewApi.js';

/** Where the model stands with its sign-offs, worked out when the editor has a moment (a digest is a hash of the whole model). */
export function useSignOffState(model: ThreatModel | undefined): SignOffState {
  const deferred = useDeferredValue(model);
  return useMemo(() => (deferred ? signOffState(deferred) : { rows: [] }), [deferred]);
}

/** The header's notice when the model has changed since its last sign-off (a way to the diff). */
export function SignOffNotice({
  state,
  onShowDiff,
}: {
  state: SignOffState;
  onShowDiff: (fromVersion: number) => void;
}) {
  const last = state.last;
  if (!last?.changedSince) return null;
  const version = last.signOff.version;
  return (
    <button
      type="button"
      className="bw-signoff-changed"
      title={`Signed off by ${signOffWords(last.signOff)}; the model has changed since.${version !== undefined ? ' Show what changed.' : ''}`}
      disabled={version === undefined}
      onClick={() => version !== undefined && onShowDiff(version)}
    >
      Changed since sign-off
    </button>
  );
}

/** The side panel's two faces: the selection's details, or its review (comments and sign-off). */
export type PanelTab = 'details' | 'review';

/** Tabs over the side panel. */
export function PanelTabs({ tab, onTab }: { tab: PanelTab; onTab: (tab: PanelTab) => void }) {
  return (
    <div className="bw-panel-tabs" role="tablist" aria-label="Side panel">
      {(
        [
          ['details', 'Details'],
          ['review', 'Comments & sign-off'],
        ] as const
      ).map(([id, label]) => (
        <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => onTab(id)}>
          {label}
        </button>
      ))}
    </div>
  );
}

/** What a comment can be on, with the words the panel shows for it. */
interface Target {
  key: string;
  label: string;
}

function targetsFor(model: ThreatModel, element: string | undefined, threat: string | undefined): Target[] {
  const out: Target[] = [];
  const el = element ? model.diagrams.flatMap((d) => d.elements).find((e) => e.id === element) : undefined;
  if (el) out.push({ key: `element:${el.id}`, label: displayName(el) });
  const t = threat ? model.threats?.find((x) => x.id === threat) : undefined;
  if (t) out.push({ key: `threat:${t.id}`, label: `Threat: ${t.title}` });
  out.push({ key: 'model', label: `The model (${model.metadata.name})` });
  return out;
}

const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};

const ROLES_THAT_RESOLVE = new Set(['reviewer', 'editor', 'owner']);

export interface ReviewPanelProps {
  modelId: string;
  model: ThreatModel;
  /** The stored version on screen. */
  version: number;
  /** Whether what is on screen is what is stored (a sign-off signs the stored version). */
  saved: boolean;
  /** Opening brought the threats up to date and they are not stored yet: store them (one save). */
  onStore?: (() => void) | undefined;
  user: string;
  role: string;
  selectedElement: string | undefined;
  selectedThreat: string | undefined;
  signOffs: SignOffState;
  /** The server stored the sign-off as `version`: the editor takes it in. */
  onSignedOff: (version: number, signOff: SignOff) => void;
  /** Show what changed from a stored version to the model on screen. */
  onShowDiff: (fromVersion: number) => void;
}

/** Comment threads on the selection, and sign-off. */
export function ReviewPanel(props: ReviewPanelProps) {
  const { modelId, model, selectedElement, selectedThreat } = props;
  const [comments, setComments] = useState<Comment[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const targets = useMemo(
    () => targetsFor(model, selectedElement, selectedThreat),
    [model, selectedElement, selectedThreat],
  );
  const [picked, setPicked] = useState<string | undefined>();
  const target = targets.find((t) => t.key === picked) ?? (targets[0] as Target);
  // What is selected next shows its threads (the picker offers the others); on opening, the
  // selected element's come first.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) setPicked(selectedElement ? `element:${selectedElement}` : undefined);
  }, [selectedElement]);
  useEffect(() => {
    if (opened.current) setPicked(selectedThreat ? `threat:${selectedThreat}` : undefined);
  }, [selectedThreat]);
  useEffect(() => {
    opened.current = true;
    return () => {
      opened.current = false;
    };
  }, []);

  useEffect(() => {
    let live = true;
    listComments(modelId).then(
      (c) => live && setComments(c),
      (e: Error) => live && setError(`The comments could not be loaded: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [modelId]);

  /** Runs a call to the server; its answer replaces or adds a comment, its failure is shown. */
  const run = useCallback(async (call: () => Promise<Comment>): Promise<boolean> => {
    setError(undefined);
    try {
      const c = await call();
      setComments((all) => {
        const list = all ?? [];
        return list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];
      });
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  }, []);

  const threads = (comments ?? []).filter((c) => c.target === target.key && c.parentId === null);
  const openElsewhere = (comments ?? []).filter((c) => c.parentId === null && !c.resolved && c.target !== target.key);
  const mayResolve = (c: Comment) => c.author === props.user || ROLES_THAT_RESOLVE.has(props.role);

  return (
    <section className="bw-comments" aria-label="Comments and sign-off">
      <SignOffBox {...props} />
      <h2>Comments</h2>
      {targets.length > 1 ? (
        <label className="bw-comments-target">
          On{' '}
          <select aria-label="What to comment on" value={target.key} onChange={(e) => setPicked(e.target.value)}>
            {targets.map((t) => (
              <option key={t.key} value={t.key}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className="bw-muted">On {target.label}. Select an element or a threat to comment on it.</p>
      )}
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
      {comments === undefined && !error && <p className="bw-muted">Loading comments…</p>}
      {comments && threads.length === 0 && <p className="bw-muted">No comments here yet.</p>}
      <ol className="bw-threads">
        {threads.map((root) => (
          <Thread
            key={root.id}
            root={root}
            replies={(comments ?? []).filter((c) => c.parentId === root.id)}
            mayResolve={mayResolve(root)}
            onReply={(body) => run(() => addComment(modelId, { target: root.target, body, parentId: root.id }))}
            onResolve={(resolved) => run(() => setResolved(modelId, root.id, resolved))}
          />
        ))}
      </ol>
      {target.key.startsWith('threat:') && props.onStore ? (
        // The server keeps comments on the threats it holds: those opening brought are stored first.
        <p className="bw-muted">
          This threat was brought up to date when the model opened and is not stored yet.{' '}
          <button type="button" onClick={props.onStore}>
            Store the threats
          </button>
        </p>
      ) : (
        <CommentBox
          label={`New comment on ${target.label}`}
          button="Comment"
          onSend={(body) => run(() => addComment(modelId, { target: target.key, body }))}
        />
      )}
      {openElsewhere.length > 0 && (
        <p className="bw-muted">
          {openElsewhere.length} open thread{openElsewhere.length === 1 ? '' : 's'} on other parts of the model.
        </p>
      )}
    </section>
  );
}

function Thread({
  root,
  replies,
  mayResolve,
  onReply,
  onResolve,
}: {
  root: Comment;
  replies: Comment[];
  mayResolve: boolean;
  onReply: (body: string) => Promise<boolean>;
  onResolve: (resolved: boolean) => Promise<boolean>;
}) {
  const [replying, setReplying] = useState(false);
  return (
    <li className={`bw-thread${root.resolved ? ' bw-thread-resolved' : ''}`} aria-label={`Thread by ${root.author}`}>
      <CommentText comment={root} />
      {replies.length > 0 && (
        <ol className="bw-replies">
          {replies.map((r) => (
            <li key={r.id}>
              <CommentText comment={r} />
            </li>
          ))}
        </ol>
      )}
      <div className="bw-thread-actions">
        {root.resolved && <span className="bw-resolved">Resolved</span>}
        {!root.resolved && !replying && (
          <button type="button" onClick={() => setReplying(true)}>
            Reply
          </button>
        )}
        {mayResolve && (
          <button type="button" onClick={() => onResolve(!root.resolved)}>
            {root.resolved ? 'Reopen' : 'Resolve'}
          </button>
        )}
      </div>
      {replying && (
        <CommentBox
          label={`Reply to ${root.author}`}
          button="Reply"
          onSend={async (body) => {
            const sent = await onReply(body);
            if (sent) setReplying(false);
            return sent;
          }}
          onCancel={() => setReplying(false)}
        />
      )}
    </li>
  );
}

function CommentText({ comment }: { comment: Comment }) {
  return (
    <article className="bw-comment">
      <header>
        <strong>{comment.author}</strong>{' '}
        <time className="bw-muted" dateTime={comment.createdAt}>
          {when(comment.createdAt)}
        </time>
      </header>
      <p>{comment.body}</p>
    </article>
  );
}

const MAX_LENGTH = 10_000;

function CommentBox({
  label,
  button,
  onSend,
  onCancel,
}: {
  label: string;
  button: string;
  onSend: (body: string) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="bw-comment-box"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim() || busy) return;
        setBusy(true);
        if (await onSend(text)) setText('');
        setBusy(false);
      }}
    >
      <textarea
        aria-label={label}
        placeholder={label}
        value={text}
        maxLength={MAX_LENGTH}
        rows={3}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="bw-thread-actions">
        <button type="submit" disabled={!text.trim() || busy}>
          {button}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

const ROLES_THAT_SIGN = new Set(['reviewer', 'owner']);

function SignOffBox({ modelId, version, saved, onStore, role, signOffs, onSignedOff, onShowDiff }: ReviewPanelProps) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const last = signOffs.last;
  return (
    <section className="bw-signoff" aria-label="Sign-off">
      <h2>Sign-off</h2>
      {last ? (
        <p className={last.changedSince ? 'bw-signoff-status bw-changed' : 'bw-signoff-status'}>
          Signed off{last.signOff.version !== undefined ? ` version ${last.signOff.version}` : ''} by {last.signOff.by}{' '}
          · {last.changedSince ? 'changed since' : 'unchanged since'}
          {last.changedSince && last.signOff.version !== undefined && (
            <>
              {' '}
              <button type="button" onClick={() => onShowDiff(last.signOff.version as number)}>
                Show changes
              </button>
            </>
          )}
        </p>
      ) : (
        <p className="bw-muted">Not signed off yet.</p>
      )}
      {last?.signOff.note && <blockquote className="bw-signoff-note">{last.signOff.note}</blockquote>}
      {ROLES_THAT_SIGN.has(role) && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            try {
              const r = await signOff(modelId, version, note);
              setNote('');
              onSignedOff(r.version, r.signOff);
            } catch (err) {
              setError((err as Error).message);
            } finally {
              setBusy(false);
            }
          }}
        >
          <textarea
            aria-label="Sign-off note"
            placeholder="Note (optional): what was reviewed, what is left"
            value={note}
            maxLength={MAX_LENGTH}
            rows={2}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="submit" disabled={busy || !saved}>
            Sign off version {version}
          </button>
          {!saved &&
            (onStore ? (
              <p className="bw-muted">
                The threats on screen were brought up to date when the model opened and are not stored yet; a sign-off
                is of a stored version.{' '}
                <button type="button" onClick={onStore}>
                  Store them
                </button>
              </p>
            ) : (
              <p className="bw-muted">Wait for your changes to be saved: a sign-off is of a stored version.</p>
            ))}
          {error && (
            <p role="alert" className="bw-error">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
