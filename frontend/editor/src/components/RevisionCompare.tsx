// Choosing two revisions of the open workflow to compare on the canvas (components/RevisionDiff.tsx).

import { useState } from "react";

import type { Revision } from "../api";
import { showRevisionDiff } from "./RevisionDiff";

export function RevisionCompare({ workflowId, revisions }: { workflowId: number; revisions: Revision[] }) {
  // Newest first: by default the newest against the one before it.
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  if (revisions.length < 2) return null;
  const chosenFrom = from ?? revisions[1].number;
  const chosenTo = to ?? revisions[0].number;
  const options = revisions.map((r) => (
    <option key={r.number} value={r.number}>
      r{r.number}
    </option>
  ));
  return (
    <div className="revision-compare" role="group" aria-label="Compare revisions">
      <label>
        Compare
        <select aria-label="Compare from" value={chosenFrom} onChange={(e) => setFrom(Number(e.target.value))}>
          {options}
        </select>
      </label>
      <label>
        with
        <select aria-label="Compare with" value={chosenTo} onChange={(e) => setTo(Number(e.target.value))}>
          {options}
        </select>
      </label>
      <button type="button" disabled={chosenFrom === chosenTo} onClick={() => void showRevisionDiff(workflowId, chosenFrom, chosenTo)}>
        Show differences
      </button>
    </div>
  );
}
