// The trail above the canvas while a subflow's child is open: each parent, a click away.

import { closeSubflows, useTrail } from "../actions/trail";
import { useDocument } from "../store/document";

export function SubflowTrail() {
  const frames = useTrail((s) => s.frames);
  const name = useDocument((s) => s.meta.name);
  if (frames.length === 0) return null;
  return (
    <nav className="subflow-trail" aria-label="Breadcrumb">
      <ol>
        {frames.map((frame, index) => (
          <li key={index}>
            <button type="button" className="link" onClick={() => closeSubflows(frames.length - index)}>
              {frame.label}
            </button>
          </li>
        ))}
        <li aria-current="page">{name}</li>
      </ol>
    </nav>
  );
}
