// "Publish as block": the saved workflow's current revision as a versioned block of the registry. It
// asks for the family and version; a version its family's compatibility policy refuses (409) is shown
// as the report of what changed, and nothing is published.

import { useState, type FormEvent } from "react";

import { api, ApiError } from "../api";
import { reason } from "../server/client";
import { useCatalog } from "../store/catalog";
import { useDocument } from "../store/document";
import { useUi } from "../store/ui";
import { closeDialog as close, Modal } from "./Modal";

interface Change {
  code: string;
  message: string;
  pointer?: string;
  violates_policy?: boolean;
}

interface Report {
  compatibility: string;
  compared_with: string | null;
  changes: Change[];
}

export function PublishDialog() {
  const { id, name } = useDocument((s) => s.meta);
  const user = useUi((s) => s.user);
  const [family, setFamily] = useState(
    `${user ?? "me"}/${
      name
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, "_")
        .replace(/^_+|_+$/g, "") || "workflow"
    }`,
  );
  const [version, setVersion] = useState("v1");
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (id === null) return;
    setBusy(true);
    setError("");
    setReport(null);
    try {
      const block = await api.publishWorkflow(id, family.trim(), version.trim());
      close();
      // The palette lists the new block with the others.
      await useCatalog.getState().load();
      useUi.getState().say(`Published ${block.type_identifier}.`, "success");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && Array.isArray(err.body.changes)) {
        setReport({
          compatibility: String(err.body.compatibility ?? ""),
          compared_with: typeof err.body.compared_with === "string" ? err.body.compared_with : null,
          changes: err.body.changes as Change[],
        });
      }
      setError(reason(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Publish as block">
      <form onSubmit={(e) => void submit(e)}>
        <p>The saved revision of this workflow becomes a block version that other workflows use as one step.</p>
        <label htmlFor="publish-family">Family</label>
        <input id="publish-family" autoFocus value={family} onChange={(e) => setFamily(e.target.value)} />
        <label htmlFor="publish-version">Version</label>
        <input id="publish-version" value={version} onChange={(e) => setVersion(e.target.value)} />
        {error && (
          <p className="status-error" role="alert" data-testid="publish-error">
            {error}
          </p>
        )}
        {report && (
          <section aria-label="Compatibility report" data-testid="compatibility-report">
            <p>
              Policy {report.compatibility}
              {report.compared_with ? `, compared with ${report.compared_with}` : ""}:
            </p>
            <ul>
              {report.changes.map((c, i) => (
                <li key={i} className={c.violates_policy ? "status-error" : undefined}>
                  <code>{c.code}</code> {c.message}
                  {c.violates_policy ? " (refused by the policy)" : ""}
                </li>
              ))}
            </ul>
          </section>
        )}
        <div className="buttons">
          <button type="submit" disabled={busy}>
            Publish
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
