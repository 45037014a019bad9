// The status line: the validation summary and the latest message, coloured by level.

import { useUi } from "../store/ui";

export function StatusBar() {
  const { valid, errors, warnings } = useUi((s) => s.validation);
  const status = useUi((s) => s.status);
  const summary =
    valid === null ? "empty" : valid ? "valid" : `${errors.length} error${errors.length === 1 ? "" : "s"}`;
  const workflowIssues = errors.filter((i) => !/^\/(inputs|steps|outputs)\/\d+/.test(i.pointer));
  return (
    <div className="status" role="status">
      <span data-testid="validation-status" className={valid === false ? "status-error" : valid ? "status-success" : ""}>
        {summary}
      </span>
      {warnings.length > 0 && (
        <span className="status-warning" data-testid="warning-count">
          {warnings.length} warning{warnings.length === 1 ? "" : "s"}
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
