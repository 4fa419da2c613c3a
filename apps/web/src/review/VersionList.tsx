/**
 * The history's versions as a list (message, who, when, kind; compare; restore with a confirm),
 * and the Save version form (a message; Enter saves). A restore reloads the editor on the new
 * working copy, so the editor learns its revision and drops the undo steps of the old one.
 */
import { useState } from 'react';
import { ApiError } from '../api.js';
import { relativeTime } from '../models/relativeTime.js';
import { KIND_LABEL, restoreVersion, saveVersion, type VersionInfo } from './historyApi.js';
import './history.css';

/** Save version: the working copy as it is now, kept with a message. */
export function SaveVersionForm(props: {
  modelId: string;
  /** The working copy's revision (If-Match). */
  revision: number;
  /** Are the edits on screen saved to the working copy yet? */
  ready: boolean;
  /** Is the working copy a version already? */
  unchanged: boolean;
  onSaved: (version: number) => void;
}) {
  const { modelId, revision, ready, unchanged, onSaved } = props;
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  if (!open)
    return (
      <p>
        <button
          type="button"
          onClick={() => {
            setOpen(true);
            setDone(undefined);
          }}
          disabled={unchanged && ready}
        >
          Save version…
        </button>{' '}
        {done && (
          <span role="status" className="bw-muted">
            {done}
          </span>
        )}
        {unchanged && ready && !done && <span className="bw-muted">Nothing changed since the newest version.</span>}
      </p>
    );
  const save = async () => {
    const text = message.trim();
    if (!text || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const v = await saveVersion(modelId, revision, text);
      setOpen(false);
      setMessage('');
      setDone(`Saved as version ${v}.`);
      onSaved(v);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 409
          ? 'The model changed on the server meanwhile: wait for your edits to save, then try again.'
          : (e as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="bw-save-version"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        Version message{' '}
        <input
          // biome-ignore lint/a11y/noAutofocus: the form opens on the user's click, to type the message at once
          autoFocus
          aria-label="Version message"
          value={message}
          maxLength={1000}
          placeholder="What changed, e.g. Added the payment service"
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        />
      </label>
      <button type="submit" disabled={!message.trim() || busy || !ready}>
        {ready ? 'Save version' : 'Saving edits…'}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The versions, newest first: compare one with the working copy or the one before, restore one. */
export function VersionList(props: {
  modelId: string;
  versions: VersionInfo[];
  /** The working copy's revision (If-Match of a restore). */
  revision: number;
  /** The version picked as the diff's "from". */
  picked: number | 'current' | undefined;
  canRestore: boolean;
  onCompare: (version: number) => void;
  onCompareWithPrevious: (older: number, newer: number) => void;
}) {
  const { modelId, versions, revision, picked, canRestore, onCompare, onCompareWithPrevious } = props;
  const [confirming, setConfirming] = useState<number | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const restore = async (version: number) => {
    setBusy(true);
    setError(undefined);
    try {
      await restoreVersion(modelId, revision, version);
      // The editor starts again on the restored working copy (its revision, a fresh undo history).
      window.location.reload();
    } catch (e) {
      setBusy(false);
      setError((e as Error).message);
    }
  };
  return (
    <>
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
      <ol className="bw-versions" aria-label="Versions">
        {versions.map((v, i) => {
          const older = versions[i + 1];
          return (
            <li key={v.version} aria-current={picked === v.version ? 'true' : undefined}>
              <div className="bw-version-message">{v.message}</div>
              <div className="bw-muted">
                Version {v.version} · {v.author} ·{' '}
                <time dateTime={v.createdAt} title={new Date(v.createdAt).toLocaleString()}>
                  {relativeTime(v.createdAt)}
                </time>{' '}
                <span className={`bw-version-kind bw-version-kind-${v.kind}`}>{KIND_LABEL[v.kind] ?? v.kind}</span>
              </div>
              <div className="bw-version-actions">
                <button
                  type="button"
                  aria-label={`Compare version ${v.version} with the working copy`}
                  onClick={() => onCompare(v.version)}
                >
                  Compare with working copy
                </button>
                {older && (
                  <button
                    type="button"
                    aria-label={`Changes from version ${older.version} to version ${v.version}`}
                    onClick={() => onCompareWithPrevious(older.version, v.version)}
                  >
                    Changes since version {older.version}
                  </button>
                )}
                {canRestore && confirming !== v.version && (
                  <button
                    type="button"
                    aria-label={`Restore version ${v.version}…`}
                    onClick={() => setConfirming(v.version)}
                    disabled={busy}
                  >
                    Restore…
                  </button>
                )}
              </div>
              {confirming === v.version && (
                <fieldset className="bw-restore-confirm">
                  <legend>Restore version {v.version}?</legend>
                  <p>
                    The working copy becomes this version again (kept as a new version, “Restored version {v.version}
                    ”); nothing is lost, every version stays in the history.
                  </p>
                  <button type="button" onClick={() => void restore(v.version)} disabled={busy}>
                    {busy ? 'Restoring…' : `Restore version ${v.version}`}
                  </button>{' '}
                  <button type="button" onClick={() => setConfirming(undefined)} disabled={busy}>
                    Cancel
                  </button>
                </fieldset>
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}
