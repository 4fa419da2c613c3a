/** Team mode: the sign-in form, and the strip that says who is signed in. */
import { useRef, useState } from 'react';
import { type Account, isSignedOut, signIn } from './api.js';

/** The product's mark: the shield of the page's icon. */
function Shield() {
  return (
    <svg className="bw-signin-mark" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M8 1 2 3v5c0 3.5 2.6 6.2 6 7 3.4-.8 6-3.5 6-7V3z" fill="currentColor" />
    </svg>
  );
}

/** The sign-in page: a centred card with the product's name, name and password, and the error. */
export function SignInPage({ onSignedIn }: { onSignedIn: (user: Account) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const passwordField = useRef<HTMLInputElement>(null);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '' || password === '') {
      setError('Enter your name and your password.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(name.trim(), password));
    } catch (e) {
      setBusy(false);
      if (isSignedOut(e)) {
        setError('Wrong name or password. Check both and try again.');
        setPassword('');
        passwordField.current?.focus();
      } else {
        setError(
          e instanceof TypeError
            ? 'The Bulwark server cannot be reached. Check that it is running, then try again.'
            : `Could not sign in: ${(e as Error).message}`,
        );
      }
    }
  }

  return (
    <main className="bw-signin">
      <form className="bw-signin-card" onSubmit={onSubmit} aria-labelledby="bw-signin-title">
        <p className="bw-signin-brand">
          <Shield />
          Bulwark
        </p>
        <h1 id="bw-signin-title">Sign in</h1>
        <p className="bw-muted">Threat models on this server are shared with your team.</p>
        {error && (
          <p role="alert" className="bw-error">
            {error}
          </p>
        )}
        <label htmlFor="bw-signin-name">Name</label>
        <input
          id="bw-signin-name"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          // biome-ignore lint/a11y/noAutofocus: the one thing to do on this page is to type a name
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="bw-signin-password">Password</label>
        <input
          id="bw-signin-password"
          ref={passwordField}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="bw-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="bw-signin-help bw-muted">
          No account yet? An administrator adds one with <code>bulwark users add</code>.
        </p>
      </form>
    </main>
  );
}

/**
 * A thin strip over a page: who is signed in, and signing out (`onSignOut` resolves false when
 * the user chose to stay, e.g. to keep unsaved drafts that signing out would delete).
 */
export function AccountStrip({ user, onSignOut }: { user: Account; onSignOut: () => Promise<boolean> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  return (
    <header className="bw-account">
      <span className="bw-signin-brand">
        <Shield />
        Bulwark
      </span>
      {error && (
        <span role="alert" className="bw-error">
          {error}
        </span>
      )}
      <span className="bw-account-who">
        Signed in as <strong>{user.name}</strong>
        {user.isAdmin && <span className="bw-muted"> (administrator)</span>}
      </span>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            if (!(await onSignOut())) setBusy(false);
          } catch (e) {
            setError(`Could not sign out: ${(e as Error).message}`);
            setBusy(false);
          }
        }}
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </header>
  );
}
