// The status line: the validation summary and the latest message, coloured by level. The warning count
// opens the list of warnings (workflow-level ones included), each naming where it points; a click on
// one selects the node it is about.

import { useState } from "react";

import { selectOnly } from "../actions/editing";
import type { Issue } from "../api";
import { nodeForPointer, type GraphNode } from "../graph";
import { useDocument } from "../store/document";
import { useUi } from "../store/ui";

function WarningList({ warnings }: { warnings: Issue[] }) {
  const nodes = useDocument((s) => s.nodes) as unknown as GraphNode[];
  return (
    <ul id="warning-list" className="warning-list popup" aria-label="Warnings" data-testid="warning-list">
      {warnings.map((w, n) => {
        const target = nodeForPointer(w.pointer, nodes);
        return (
          <li key={n}>
            {target ? (
              <button type="button" className="link" onClick={() => selectOnly(target.nodeId)}>
                {w.message}
              </button>
            ) : (
              w.message
            )}{" "}
            <code>{w.pointer || "workflow"}</code>
          </li>
        );
      })}
    </ul>
  );
}

export function StatusBar() {
  const { valid, errors, warnings } = useUi((s) => s.validation);
  const status = useUi((s) => s.status);
  const [open, setOpen] = useState(false);
  const summary = valid === null ? "empty" : valid ? "valid" : `${errors.length} error${errors.length === 1 ? "" : "s"}`;
  const workflowIssues = errors.filter((i) => !/^\/(inputs|steps|outputs)\/\d+/.test(i.pointer));
  return (
    <div className="status" role="status">
      <span data-testid="validation-status" className={valid === false ? "status-error" : valid ? "status-success" : ""}>
        {summary}
      </span>
      {warnings.length > 0 && (
        <span className="warnings">
          <button
            type="button"
            className="link status-warning"
            data-testid="warning-count"
            aria-expanded={open}
            aria-controls="warning-list"
            onClick={() => setOpen(!open)}
          >
            {warnings.length} warning{warnings.length === 1 ? "" : "s"}
          </button>
          {open && <WarningList warnings={warnings} />}
        </span>
      )}
      {workflowIssues.map((i, n) => (
        <span key={n} className="status-error">
          {i.message}
        </span>
      ))}
      <span className={`message status-${status.level}`} data-testid="message" data-level={status.level}>
        {status.text}
      </span>
    </div>
  );
}
