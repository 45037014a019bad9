// The status line: the validation summary and the latest message, coloured by level. The warning
// count opens the list of warnings (workflow-level ones included), each naming where it points.

import { useState } from "react";

import { useUi } from "../store/ui";

export function StatusBar() {
  const { valid, errors, warnings } = useUi((s) => s.validation);
  const status = useUi((s) => s.status);
  const [open, setOpen] = useState(false);
  const summary =
    valid === null ? "empty" : valid ? "valid" : `${errors.length} error${errors.length === 1 ? "" : "s"}`;
  const workflowIssues = errors.filter((i) => !/^\/(inputs|steps|outputs)\/\d+/.test(i.pointer));
  return (
    <div className="status" role="status">
      <span data-testid="validation-status" className={valid === false ? "status-error" : valid ? "status-success" : ""}>
        {summary}
      </span>
      {warnings.length > 0 && (
        <button type="button" className="link status-warning" data-testid="warning-count" aria-expanded={open} aria-controls="warning-list" onClick={() => setOpen(!open)}>
          {warnings.length} warning{warnings.length === 1 ? "" : "s"}
        </button>
      )}
      {workflowIssues.map((i, n) => (
        <span key={n} className="status-error">
          {i.message}
        </span>
      ))}
      <span className={`message status-${status.level}`} data-testid="message" data-level={status.level}>
        {status.text}
      </span>
      {open && warnings.length > 0 && (
        <ul id="warning-list" className="popup warning-list" aria-label="Warnings">
          {warnings.map((w, n) => (
            <li key={n}>
              <span className="status-warning">{w.message}</span> <code>{w.pointer || "workflow"}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
