// The Open dialog: the workflows the signed-in person may open, searchable by name, each with its owner,
// last change and number of revisions; duplicate any of them, delete one's own, and restore what was
// deleted in the last 30 days.

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";

import { api, type DeletedWorkflow, type WorkflowSummary } from "../api";
import { openWorkflow } from "../actions/documents";
import { keys, queryClient, reason } from "../server/client";
import { useUi } from "../store/ui";
import { closeDialog as close, Modal } from "./Modal";

const when = (iso: string) => new Date(iso).toLocaleString();

/** Runs a change, then refreshes both lists; failures are said, never swallowed. */
async function change(action: () => Promise<unknown>, done: string): Promise<void> {
  try {
    await action();
    useUi.getState().say(done, "success");
  } catch (e) {
    useUi.getState().say(reason(e), "error");
  }
  await queryClient.invalidateQueries({ queryKey: keys.workflows });
}

function Row({ workflow, mine }: { workflow: WorkflowSummary; mine: boolean }) {
  return (
    <tr>
      <td>
        <button className="link" onClick={() => (close(), void openWorkflow(workflow.id, { ask: false }))}>
          {workflow.name}
        </button>
      </td>
      <td>{workflow.owner}</td>
      <td>{when(workflow.updated_at)}</td>
      <td>
        {workflow.revision} revision{workflow.revision === 1 ? "" : "s"}
      </td>
      <td>
        <button
          type="button"
          aria-label="Duplicate"
          title={`Duplicate ${workflow.name}`}
          onClick={() => void change(() => api.duplicateWorkflow(workflow.id), `Duplicated "${workflow.name}".`)}
        >
          Duplicate
        </button>{" "}
        {mine && (
          <button
            type="button"
            aria-label="Delete"
            title={`Delete ${workflow.name}`}
            onClick={() =>
              void change(() => api.deleteWorkflow(workflow.id), `Deleted "${workflow.name}": it can be restored for 30 days.`)
            }
          >
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}

function Deleted({ workflows }: { workflows: DeletedWorkflow[] }) {
  if (workflows.length === 0) return null;
  return (
    <section aria-label="Recently deleted">
      <h4>Recently deleted</h4>
      <ul className="open-list">
        {workflows.map((w) => (
          <li key={w.id} aria-label={w.name}>
            {w.name} <small>restorable until {when(w.restorable_until)}</small>{" "}
            <button type="button" onClick={() => void change(() => api.restoreWorkflow(w.id), `Restored "${w.name}".`)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OpenDialog() {
  const user = useUi((s) => s.user);
  const [query, setQuery] = useState("");
  const search = useDeferredValue(query.trim().toLowerCase());
  const workflows = useQuery({ queryKey: keys.workflows, queryFn: api.workflows });
  const deleted = useQuery({ queryKey: keys.deletedWorkflows, queryFn: api.deletedWorkflows, enabled: !!user });
  const list = workflows.data?.results.filter((w) => w.name.toLowerCase().includes(search));
  return (
    <Modal title="Open a saved workflow">
      <input
        type="search"
        aria-label="Search workflows"
        placeholder="Search workflows"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoFocus
      />
      {workflows.isPending && <p>Loading…</p>}
      {workflows.isError && (
        <p className="status-error" role="alert">
          Could not list the workflows: {reason(workflows.error)}
        </p>
      )}
      {workflows.data?.results.length === 0 && <p>No saved workflows yet.</p>}
      {list && list.length === 0 && workflows.data?.results.length !== 0 && <p>No workflow is named like that.</p>}
      {list && list.length > 0 && (
        <table className="open-list" aria-label="Workflows">
          <thead>
            <tr>
              <th>Name</th>
              <th>Owner</th>
              <th>Last change</th>
              <th>Revisions</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((w) => (
              <Row key={w.id} workflow={w} mine={w.owner === user} />
            ))}
          </tbody>
        </table>
      )}
      <Deleted workflows={deleted.data?.results ?? []} />
      <div className="buttons">
        <button onClick={close}>Cancel</button>
      </div>
    </Modal>
  );
}
