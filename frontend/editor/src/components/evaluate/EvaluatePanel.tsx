// Evaluations of the open saved workflow: choose or upload a labelled dataset, choose the output that
// holds the class, start (the document saved first), follow the job, then open the report.

import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { FINISHED } from "../../batch";
import { keys, queryClient, reason } from "../../server/client";
import { useDocument } from "../../store/document";
import { useUi } from "../../store/ui";
import { savedFirst } from "../BatchPanel";
import { JobProgress } from "../JobProgress";
import { Modal } from "../Modal";
import { DatasetPicker } from "./DatasetPicker";
import { evaluationApi, evaluationKeys, type Evaluation } from "./evaluationApi";
import { percent } from "./report";
import { Report } from "./Report";
import "./evaluate.css";

const POLL_MS = 500;

function Followed({ evaluation }: { evaluation: Evaluation }) {
  const [open, setOpen] = useState(false);
  const cancel = () =>
    evaluationApi.cancel(evaluation.id).then(
      (cancelled) => queryClient.setQueryData(evaluationKeys.one(evaluation.id), cancelled),
      (e: unknown) => useUi.getState().say(`Not cancelled: ${reason(e)}`, "error"),
    );
  const metrics = evaluation.metrics;
  return (
    <div data-testid="evaluation">
      <JobProgress job={evaluation} noun="evaluation" id={evaluation.id} testid="evaluation" onCancel={() => void cancel()} />
      {metrics && (
        <>
          <p data-testid="evaluation-accuracy">
            Accuracy {percent(metrics.accuracy.value)} on {metrics.images} images
          </p>
          <button type="button" onClick={() => setOpen(true)}>
            Open report
          </button>
        </>
      )}
      {open && metrics && (
        <Modal title={`Evaluation ${evaluation.id}`} onClose={() => setOpen(false)}>
          <Report evaluation={evaluation} metrics={metrics} />
          <div className="buttons">
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

export function EvaluatePanel() {
  const workflowId = useDocument((s) => s.meta.id);
  const outputs = useDocument((s) => s.nodes).flatMap((n) => (n.data.kind === "output" ? [n.data.name] : []));
  const user = useUi((s) => s.user);
  const [dataset, setDataset] = useState<number | null>(null);
  const [chosenOutput, setOutput] = useState<string | null>(null);
  const [started, setStarted] = useState<number | null>(null);
  const starting = useRef(false);
  const enabled = workflowId !== null && !!user;
  // The latest evaluation of this workflow, when there is one, then followed until it finishes.
  const latest = useQuery({
    queryKey: evaluationKeys.list,
    queryFn: evaluationApi.list,
    enabled: enabled && started === null,
    select: (page) => page.results.find((e) => e.workflow === workflowId)?.id ?? null,
  });
  const evaluationId = started ?? latest.data ?? null;
  const evaluation = useQuery({
    queryKey: evaluationKeys.one(evaluationId ?? 0),
    queryFn: () => evaluationApi.get(evaluationId ?? 0),
    enabled: enabled && evaluationId !== null,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : POLL_MS),
  });
  if (!enabled) return null;
  const output = chosenOutput ?? (outputs.includes("predictions") ? "predictions" : (outputs[0] ?? ""));
  const start = async () => {
    if (dataset === null || !output || starting.current) return;
    starting.current = true;
    try {
      if (!(await savedFirst("an evaluation"))) return;
      const id = useDocument.getState().meta.id;
      if (id === null) return;
      const created = await evaluationApi.start(id, dataset, output);
      queryClient.setQueryData(evaluationKeys.one(created.id), created);
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.list });
      void queryClient.invalidateQueries({ queryKey: keys.jobs });
      setStarted(created.id);
      useUi.getState().say(`Evaluation ${created.id} started on ${created.total} images.`, "success");
    } catch (e) {
      useUi.getState().say(`Evaluation not started: ${reason(e)}`, "error");
    } finally {
      starting.current = false;
    }
  };
  return (
    <section className="evaluate" data-testid="evaluate-panel" aria-label="Evaluate">
      <h4>Evaluate</h4>
      <DatasetPicker id="evaluate-dataset" chosen={dataset} onChoose={setDataset} />
      <div className="field">
        <label htmlFor="evaluate-output">Output</label>
        <select id="evaluate-output" value={output} onChange={(e) => setOutput(e.target.value)}>
          {outputs.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <button type="button" onClick={() => void start()} disabled={dataset === null || !output}>
        Start evaluation
      </button>
      {evaluation.isError && (
        <p className="status-error" role="alert">
          Could not follow evaluation {evaluationId}: {reason(evaluation.error)}
        </p>
      )}
      {evaluation.data && <Followed evaluation={evaluation.data} />}
    </section>
  );
}
