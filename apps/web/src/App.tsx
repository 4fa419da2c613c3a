/**
 * The app: the models page, one model, the templates page or one template (hash routes, so
 * the server needs no routing of its own). It asks the server who is signed in first: in team mode with nobody signed in (or once
 * any answer says the session is gone) it shows the sign-in page, and after signing in the page
 * the hash names.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { getMe, isSignedOut, type Me, onSignedOut, signOut } from './api.js';
import { signOutQuestion } from './editor/draftKeys.js';
import { countDrafts, forgetAllDrafts, setDraftOwner } from './editor/drafts.js';
import { mayLeave } from './editor/leaveGuard.js';
import { ModelsPage } from './models/ModelsPage.js';
import { AccountStrip, SignInPage } from './SignInPage.js';

// The editor (React Flow, elkjs, the engine) and the template pages are loaded when first shown:
// the models page, where everyone starts, downloads none of them.
const code = {
  model: () => import('./editor/ModelView.js'),
  template: () => import('./templates/TemplateEditor.js'),
  templates: () => import('./templates/TemplatesPage.js'),
};
const ModelView = lazy(() => code.model().then((m) => ({ default: m.ModelView })));
const TemplateEditor = lazy(() => code.template().then((m) => ({ default: m.TemplateEditor })));
const TemplatesPage = lazy(() => code.templates().then((m) => ({ default: m.TemplatesPage })));
const loading = <p className="bw-page bw-muted">Loading…</p>;

function route(): { page: 'models' | 'templates' } | { page: 'model' | 'template'; id: string } {
  const m = /^#\/(models|templates)\/(.+)$/.exec(window.location.hash);
  if (m?.[2]) return { page: m[1] === 'models' ? 'model' : 'template', id: decodeURIComponent(m[2]) };
  return { page: window.location.hash === '#/templates' ? 'templates' : 'models' };
}

/** Drafts are kept per server mode and user: set before any page that keeps them is shown. */
function signedIn(me: Me): Session {
  setDraftOwner({ mode: me.mode, userId: me.user.id });
  return { state: 'signed-in', me };
}

/**
 * Signing out deletes every unsaved draft in this browser (it may be shared), after asking when
 * some are the user's own; false when the user chose to stay.
 */
async function signOutAndForget(): Promise<boolean> {
  const question = signOutQuestion(await countDrafts().catch(() => 0));
  if (question && !window.confirm(question)) return false;
  try {
    await signOut();
  } catch (e) {
    if (!isSignedOut(e)) throw e; // the session had already ended: signing out goes on
  }
  await forgetAllDrafts().catch((e: Error) => console.warn(`Unsaved drafts could not be deleted: ${e.message}`));
  return true;
}

type Session =
  | { state: 'checking' }
  | { state: 'signed-out' }
  | { state: 'signed-in'; me: Me }
  | { state: 'unreachable'; message: string };

// Opened at a page's address (a link to a model): its code is fetched while /api/me is asked,
// not after it answers. A failure here is the lazy component's to show.
const first = route().page;
if (first !== 'models') code[first]().catch(() => {});

export function App() {
  const [current, setCurrent] = useState(route);
  const [session, setSession] = useState<Session>({ state: 'checking' });
  useEffect(() => {
    const onHash = (e: HashChangeEvent) => {
      // A page with unsaved work may say no: then the address goes back and the page stays.
      if (!mayLeave()) return window.history.replaceState(null, '', e.oldURL);
      setCurrent(route());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const check = useCallback(() => {
    getMe().then(
      (me) => setSession(signedIn(me)),
      (e: Error) => setSession(isSignedOut(e) ? { state: 'signed-out' } : { state: 'unreachable', message: e.message }),
    );
  }, []);
  useEffect(check, [check]);
  useEffect(
    () =>
      onSignedOut(() => {
        // The session ended (expired, or signed out elsewhere): the drafts stay, for this user only.
        setDraftOwner(undefined);
        setSession({ state: 'signed-out' });
      }),
    [],
  );

  if (session.state === 'checking') return loading;
  if (session.state === 'unreachable')
    return (
      <main className="bw-page">
        <p role="alert" className="bw-error">
          The Bulwark server did not answer: {session.message}
        </p>
        <button type="button" onClick={check}>
          Try again
        </button>
      </main>
    );
  if (session.state === 'signed-out')
    return <SignInPage onSignedIn={(user) => setSession(signedIn({ user, mode: 'team' }))} />;

  if (current.page === 'model')
    return (
      <Suspense fallback={loading}>
        <ModelView key={current.id} id={current.id} />
      </Suspense>
    );
  if (current.page === 'template')
    return (
      <Suspense fallback={loading}>
        <TemplateEditor key={current.id} id={current.id} />
      </Suspense>
    );
  if (current.page === 'templates')
    return (
      <Suspense fallback={loading}>
        <TemplatesPage />
      </Suspense>
    );
  const team = session.me.mode === 'team';
  return (
    <>
      {team && (
        <AccountStrip
          user={session.me.user}
          onSignOut={async () => {
            if (!(await signOutAndForget())) return false;
            setSession({ state: 'signed-out' });
            return true;
          }}
        />
      )}
      <ModelsPage team={team} open={(id) => window.location.assign(`#/models/${encodeURIComponent(id)}`)} />
    </>
  );
}
