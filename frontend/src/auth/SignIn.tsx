import { useEffect, useState, type FormEvent } from "react";
import { ApiError, apiJson } from "../api/client";
import { setSession, type Session } from "./session";
import { startSingleSignOn } from "./sso";

let pendingError: string | null = null;

/** An error to show when the sign-in page next appears (a refused single sign-on). */
export function showSignInError(message: string): void {
  pendingError = message;
}

export function SignIn() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(() => pendingError);
  const [busy, setBusy] = useState(false);
  const [singleSignOn, setSingleSignOn] = useState(false);

  useEffect(() => {
    pendingError = null;
    apiJson<{ singleSignOn: boolean }>("/api/auth/methods")
      .then((methods) => setSingleSignOn(methods.singleSignOn))
      .catch(() => setSingleSignOn(false)); // the password form still works
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await apiJson<Session>("/api/auth/login", {
        method: "POST",
        body: JSON.stringify({ username, password }),
      });
      setSession(session);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server cannot be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>
          <img src="/favicon.svg" alt="" width="28" height="28" />
          AI-Coder
        </h1>
        <p className="muted">Sign in to your team's workspaces and assistant.</p>
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {singleSignOn && (
          <a className="sso" href="/api/auth/sso" onClick={startSingleSignOn}>
            Sign in with single sign-on
          </a>
        )}
      </form>
    </main>
  );
}
