// Put this evaluation beside another finished one on the same dataset (another revision, another
// model, another workflow): the server pairs their answers image by image.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { FINISHED } from "../../batch";
import { reason } from "../../server/client";
import { ComparisonView } from "./ComparisonView";
import { evaluationApi, evaluationKeys, type Evaluation } from "./evaluationApi";
import { percent } from "./report";

const describe = (e: Evaluation) =>
  `Evaluation ${e.id}: workflow ${e.workflow}, revision ${e.revision}${e.metrics ? `, ${percent(e.metrics.accuracy.value)}` : ""}`;

export function Compare({ evaluation }: { evaluation: Evaluation }) {
  const [other, setOther] = useState<number | null>(null);
  const candidates = useQuery({
    queryKey: evaluationKeys.list,
    queryFn: evaluationApi.list,
    select: (page) => page.results.filter((e) => e.id !== evaluation.id && e.dataset === evaluation.dataset && FINISHED.has(e.status)),
  });
  const comparison = useQuery({
    queryKey: evaluationKeys.compare(other ?? 0, evaluation.id),
    queryFn: () => evaluationApi.compare(other ?? 0, evaluation.id),
    enabled: other !== null,
  });
  const choices = candidates.data ?? [];
  const baseline = choices.find((e) => e.id === other);
  return (
    <div>
      {choices.length === 0 ? (
        <p>No other finished evaluation on this dataset to compare with.</p>
      ) : (
        <div className="field">
          <label htmlFor="compare-with">Compare with</label>
          <select id="compare-with" value={other ?? ""} onChange={(e) => setOther(e.target.value ? Number(e.target.value) : null)}>
            <option value="">Choose an evaluation…</option>
            {choices.map((e) => (
              <option key={e.id} value={e.id}>
                {describe(e)}
              </option>
            ))}
          </select>
        </div>
      )}
      {comparison.isError && (
        <p className="status-error" role="alert">
          Could not compare: {reason(comparison.error)}
        </p>
      )}
      {comparison.data && baseline && (
        <ComparisonView
          comparison={comparison.data}
          sides={[`Evaluation ${baseline.id} (rev. ${baseline.revision})`, `Evaluation ${evaluation.id} (rev. ${evaluation.revision})`]}
        />
      )}
    </div>
  );
}
