// Dialogs: sign in, open a saved workflow, a name (Save as, rename), the keyboard shortcuts.

import { useEffect, useRef, useState, type FormEvent } from "react";

import { api, ApiError } from "../api";
import { SHORTCUTS } from "../hooks/useShortcuts";
import { queryClient } from "../server/client";
import { useUi } from "../store/ui";
import { closeDialog as close, DialogButtons, Modal } from "./Modal";
import { OpenDialog } from "./OpenDialog";
import { StaleSave } from "./StaleSave";
import { UpgradeDialog } from "./UpgradeDialog";
import { PublishDialog } from "./PublishDialog";
import { SubflowUpgradeDialog } from "./SubflowUpgradeDialog";

function FormButtons({ submit }: { submit: string }) {
  return (
    <DialogButtons>
      <button type="submit">{submit}</button>
    </DialogButtons>
  );
}

function SignIn({ reason: why, then }: { reason?: string; then?: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const me = await api.login(username, password);
      useUi.getState().setUser(me.username);
      useUi.getState().say(`Signed in as ${me.username}.`, "success");
      void queryClient.invalidateQueries();
      close();
      then?.();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <Modal title="Sign in">
      {why && <p data-testid="sign-in-reason">{why}</p>}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="sign-in-username">Username</label>
        <input id="sign-in-username" autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p className="status-error" role="alert">
            {error}
          </p>
        )}
        <FormButtons submit="Sign in" />
      </form>
    </Modal>
  );
}

function NameDialog({ title, label, initial, onDone }: { title: string; label: string; initial: string; onDone: (name: string) => void }) {
  const [name, setName] = useState(initial);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.select(), []);
  return (
    <Modal title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          close();
          onDone(name.trim());
        }}
      >
        <label htmlFor="name-dialog-field">{label}</label>
        <input id="name-dialog-field" ref={field} value={name} onChange={(e) => setName(e.target.value)} />
        <FormButtons submit="OK" />
      </form>
    </Modal>
  );
}

function Shortcuts() {
  return (
    <Modal title="Keyboard shortcuts">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th>{keys}</th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button onClick={close} autoFocus>
        Close
      </button>
    </Modal>
  );
}

export function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  if (dialog.type === "signIn") return <SignIn reason={dialog.reason} then={dialog.then} />;
  if (dialog.type === "stale") return <StaleSave current={dialog.current} changes={dialog.changes} />;
  if (dialog.type === "open") return <OpenDialog />;
  if (dialog.type === "name") return <NameDialog {...dialog} />;
  if (dialog.type === "shortcuts") return <Shortcuts />;
  if (dialog.type === "upgrade") return <UpgradeDialog step={dialog.step} to={dialog.to} />;
  if (dialog.type === "subflowUpgrade") return <SubflowUpgradeDialog {...dialog} />;
  if (dialog.type === "publish") return <PublishDialog />;
  return null;
}
