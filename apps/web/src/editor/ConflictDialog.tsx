/**
 * Someone else saved the model while you were editing: what they changed, and the three ways on
 * (re-apply my edits on their version, load theirs and drop mine, save mine over theirs). Your
 * edits stay on screen and in this browser until you choose.
 */
import type { Conflict } from './editingSession.js';

export function ConflictDialog({
  conflict,
  onReapply,
  onTakeTheirs,
  onKeepMine,
}: {
  conflict: Conflict;
  onReapply: () => void;
  onTakeTheirs: () => void;
  onKeepMine: () => void;
}) {
  const edits = conflict.actions?.length ?? 0;
  return (
    <div role="alertdialog" aria-label="Conflict" className="bw-conflict">
      <p>
        Someone else saved this model (now revision {conflict.version}) while you were editing. Your changes are kept
        here and were not saved.
      </p>
      {conflict.changes.length > 0 && (
        <ul aria-label="What they changed">
          {conflict.changes.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {conflict.theirs && conflict.actions && (
        <button type="button" onClick={onReapply}>
          Re-apply my {edits} edit{edits === 1 ? '' : 's'} on their version
        </button>
      )}
      {conflict.theirs && (
        <button type="button" onClick={onTakeTheirs}>
          Load their version (drop mine)
        </button>
      )}
      <button type="button" onClick={onKeepMine}>
        Save mine over theirs
      </button>
    </div>
  );
}
