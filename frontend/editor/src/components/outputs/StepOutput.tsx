// The selected step's full output in the shown run: its status and, per input element, its outputs
// as a JSON tree with images inline.

import { useUi } from "../../store/ui";
import { JsonTree } from "./JsonTree";

export function StepOutput({ name }: { name: string }) {
  const run = useUi((s) => s.run);
  const results = run?.steps?.[name];
  if (!run || !results) return null;
  return (
    <section className="step-output" aria-label="Step output" data-testid="step-output">
      <h4>Output in run {run.id}</h4>
      {results.map((result, index) => (
        <div key={index} className="step-element">
          {results.length > 1 && <div className="note">Element {index + 1}</div>}
          <div className={`status-word status-${result.status}`} data-testid={`step-status-${index}`}>
            {result.status}
          </div>
          {result.outputs && <JsonTree value={result.outputs} />}
        </div>
      ))}
    </section>
  );
}
