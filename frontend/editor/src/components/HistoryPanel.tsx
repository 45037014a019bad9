// The open saved workflow's revisions, each restorable.

import { useEffect, useState } from "react";

import { api } from "../api";
import { restoreRevision } from "../actions/documents";
import { useDocument } from "../store/document";

type Revision = Awaited<ReturnType<typeof api.revisions>>["results"][number];

export function HistoryPanel() {
  const id = useDocument((s) => s.meta.id);
  const revision = useDocument((s) => s.meta.revision);
  const [revisions, setRevisions] = useState<Revision[]>([]);
  useEffect(() => {
    if (id === null) return;
    api.revisions(id).then((r) => setRevisions(r.results), () => setRevisions([]));
  }, [id, revision]);
  if (id === null || revisions.length === 0) return null;
  return (
    <section data-testid="revisions" aria-label="Revisions">
      <h4>Revisions</h4>
      {revisions.map((r) => (
        <div key={r.number} className="revision">
          <span>
            r{r.number} {r.valid ? "" : "(draft)"} {r.author ?? ""} {r.message}
          </span>
          {r.number !== revision && (
            <button data-testid={`restore-${r.number}`} onClick={() => void restoreRevision(r.number)}>
              Restore
            </button>
          )}
        </div>
      ))}
    </section>
  );
}
