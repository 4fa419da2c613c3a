/**
 * The editing session's hook: runs `sessionReducer` (editingSession.ts, where every decision is)
 * and does what it cannot, being pure: reading the model and any draft kept in this browser,
 * keeping the draft, sending the save after a pause (the reducer says what is sent), asking the
 * server for their version on a conflict, and trying again after a while when offline.
 */
import type { ThreatModel } from '@bulwark/core';
import { startTransition, useCallback, useEffect, useReducer, useRef } from 'react';
import { ApiError, getModel, getModelVersion, type Role, saveModel } from '../api.js';
import { dropDraft, keepDraft, loadDraft } from './drafts.js';
import { initialSession, needsSave, type SessionEvent, sessionReducer } from './editingSession.js';

/** How long after the last edit it is saved (ms), and after a failed save it is tried again. */
const SAVE_PAUSE_MS = 700;
const RETRY_MS = 5000;

export interface Opened {
  model: ThreatModel;
  version: number;
  role: Role;
}

export function useEditingSession(
  id: string,
  options: {
    /** A viewer saves nothing. */
    readOnly: boolean;
    /** What opening shows of the stored model (threats brought up to date); also learns the role and template. */
    prepare: (opened: Opened) => Promise<ThreatModel>;
    /** The model could not be read. */
    onError: (message: string) => void;
  },
) {
  const [session, dispatch] = useReducer(sessionReducer, initialSession);
  const latest = useRef(session);
  latest.current = session;
  const prepare = useRef(options.prepare);
  prepare.current = options.prepare;
  const onError = useRef(options.onError);
  onError.current = options.onError;

  // Read the model, and any unsaved draft kept in this browser.
  useEffect(() => {
    let gone = false;
    getModel(id).then(
      async (opened) => {
        const shown = await prepare.current(opened);
        const draft = await loadDraft(id).catch(() => undefined);
        if (gone) return;
        // The first render of a model is large: as a transition React renders it in slices, and
        // the page stays responsive while it does.
        if (!draft)
          return startTransition(() =>
            dispatch({ type: 'opened', version: opened.version, shown, stored: opened.model }),
          );
        // What they changed: from the model the draft kept, else the version the server kept.
        const base =
          draft.baseVersion === opened.version
            ? undefined
            : (draft.base ?? (await getModelVersion(id, draft.baseVersion).catch(() => undefined)));
        if (gone) return;
        dispatch({
          type: 'openedDraft',
          version: opened.version,
          stored: opened.model,
          draft,
          ...(base ? { base } : {}),
        });
      },
      (e: Error) => onError.current(e.message),
    );
    return () => {
      gone = true;
    };
  }, [id]);

  // Keep a draft at once; send after a pause (longer after a failed try).
  const present = session.history?.present;
  const { version, pending, sending, saved } = session;
  const waiting = needsSave(session) && !options.readOnly && sending === undefined;
  const offline = session.save === 'offline';
  useEffect(() => {
    if (!waiting || !present) return;
    void keepDraft(id, {
      baseVersion: version,
      model: present,
      ...(pending ? { actions: [...pending] } : {}),
      ...(saved ? { base: saved } : {}),
    });
    const timer = setTimeout(() => dispatch({ type: 'saveSent' }), offline ? RETRY_MS : SAVE_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [id, waiting, offline, present, version, pending, saved]);

  // Send what the reducer put on its way, once.
  // Only a new save is sent: the revision it goes on is the one it was made at.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is read with `sending`, not a reason to send again
  useEffect(() => {
    if (!sending) return;
    saveModel(id, version, sending.model).then(
      (v) => {
        if (latest.current.history?.present === sending.model) void dropDraft(id);
        dispatch({ type: 'saveLanded', version: v });
      },
      async (e: unknown) => {
        if (e instanceof ApiError && e.status === 409) {
          const theirs = await getModel(id).catch(() => undefined);
          dispatch({
            type: 'saveConflicted',
            version: theirs?.version ?? (e.details.currentVersion as number | undefined) ?? version + 1,
            ...(theirs ? { theirs: theirs.model } : {}),
          });
        } else dispatch({ type: 'saveFailed' });
      },
    );
  }, [id, sending]);

  /** Their version wins: my draft goes too. */
  const takeTheirs = useCallback(() => {
    void dropDraft(id);
    dispatch({ type: 'takeTheirs' });
  }, [id]);

  /** Stores what opening added (see `Session.unsent`) now. */
  const store = useCallback(() => dispatch({ type: 'saveSent' }), []);

  return { session, dispatch: dispatch as (e: SessionEvent) => void, takeTheirs, store };
}
