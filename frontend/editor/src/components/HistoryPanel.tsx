// The open saved workflow's revisions, each restorable.

import { useQuery } from "@tanstack/react-query";

import { api } from "../api";
import { restoreRevision } from "../actions/documents";
import { keys } from "../server/client";
import { useDocument } from "../store/document";
import { RevisionCompare } from "./RevisionCompare";

export function HistoryPanel() {
  const id = useDocument((s) => s.meta.id);
  const revision = useDocument((s) => s.meta.revision);
  // Keyed by the open revision too: a save or a restore lists the new one.
  const revisions =
    useQuery({ queryKey: [...keys.revisions(id ?? 0), revision], queryFn: () => api.revisions(id ?? 0), enabled: id !== null }).data
      ?.results ?? [];
  if (id === null || revisions.length === 0) return null;
  return (
    <>
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
      <RevisionCompare workflowId={id} revisions={revisions} />
    </>
  );
}
