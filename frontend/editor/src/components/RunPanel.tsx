// Running the open workflow: images (previewed) and parameters (with their defaults) in, results out,
// on the nodes and here (a bar per class), and the saved workflow's run history.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, type RunSummary } from "../api";
import { definitionOf, isDirty, useDocument } from "../store/document";
import { keys, queryClient, reason } from "../server/client";
import { runBlockers } from "../runnable";
import { ToolIcon } from "./icons";
import { RunInputs } from "./outputs/RunInputs";
import { useRunning } from "./outputs/running";
import { useCatalog } from "../store/catalog";
import { useUi } from "../store/ui";
import { parseLiteral } from "./IoSettings";

interface Prediction {
  top?: string;
  predictions?: Array<{ class: string; confidence: number }>;
}

function Results({ run }: { run: RunSummary }) {
  if (run.status !== "succeeded")
    return (
      <>
        <p className="status-error">Run failed: {run.error?.message}</p>
        <RunInputs />
      </>
    );
  return (
    <section data-testid="run-results">
      <h4>Inputs</h4>
      <RunInputs />
      <h4>Results</h4>
      {run.outputs.map((output, index) => (
        <div key={index}>
          {Object.entries(output).map(([key, value]) => {
            const prediction = value as Prediction | null;
            if (prediction && typeof prediction === "object" && Array.isArray(prediction.predictions)) {
              return (
                <div key={key} className="prediction">
                  <strong>{key}</strong>: top <span data-testid="run-top">{prediction.top}</span>
                  {prediction.predictions.map((p) => (
                    <div key={p.class} className="bar-row" data-testid={`bar-${p.class}`}>
                      <span className="bar-label">{p.class}</span>
                      <span className="bar" style={{ width: `${Math.round(p.confidence * 100)}%` }} />
                      <span className="bar-value">{p.confidence.toFixed(2)}</span>
                    </div>
                  ))}
                </div>
              );
            }
            return (
              <div key={key} className="json-output">
                <strong>{key}</strong>: {JSON.stringify(value)}
              </div>
            );
          })}
        </div>
      ))}
      <h4>Timings</h4>
      {Object.entries(run.timings).map(([step, ms]) => (
        <div key={step}>
          {step}: {ms.toFixed(1)} ms
        </div>
      ))}
    </section>
  );
}

function History({ workflowId }: { workflowId: number }) {
  const runs = useQuery({ queryKey: keys.runs(workflowId), queryFn: () => api.runs(workflowId) }).data?.results ?? [];
  if (runs.length === 0) return null;
  return (
    <section data-testid="run-history">
      <h4>Runs of this workflow</h4>
      {runs.map((r) => (
        <button key={r.id} className="link" onClick={() => useUi.getState().setRun(r)}>
          Run {r.id}: {r.status}, r{r.revision}, {new Date(r.created_at).toLocaleTimeString()}
        </button>
      ))}
    </section>
  );
}

export function RunPanel() {
  const nodes = useDocument((s) => s.nodes);
  const workflowId = useDocument((s) => s.meta.id);
  const run = useUi((s) => s.run);
  const [images, setImages] = useState<Record<string, File>>({});
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const blocks = useCatalog((s) => s.blocks);
  const blockers = runBlockers(
    nodes.map((n) => n.data),
    blocks,
  );
  const imageInputs = nodes.filter((n) => n.data.kind === "input" && n.data.inputType === "WorkflowImage").map((n) => n.data.name);
  const parameters = nodes.flatMap((n) => (n.data.kind === "input" && n.data.inputType === "WorkflowParameter" ? [n.data] : []));
  const start = async () => {
    const missing = imageInputs.filter((name) => !images[name]);
    if (missing.length) {
      useUi.getState().say(`Choose an image for ${missing.join(", ")} to run the workflow.`, "warning");
      return;
    }
    const inputs: Record<string, unknown> = {};
    for (const p of parameters) {
      const value = values[p.name] !== undefined ? parseLiteral(values[p.name]) : p.defaultValue;
      if (value !== undefined) inputs[p.name] = value;
    }
    const state = useDocument.getState();
    const target = state.meta.id !== null && !isDirty(state) ? { workflow: state.meta.id } : { specification: definitionOf(state) };
    setBusy(true);
    useRunning.setState({ running: true });
    try {
      const result = await api.run(target, images, inputs);
      useUi.getState().setRun(result);
      useUi.getState().say("Run finished.", "success");
      if (state.meta.id !== null) void queryClient.invalidateQueries({ queryKey: keys.runs(state.meta.id) });
    } catch (e) {
      useUi.getState().setRun(null);
      useUi.getState().say(`Run failed: ${reason(e)}`, "error");
    } finally {
      useRunning.setState({ running: false });
      setBusy(false);
    }
  };
  return (
    <section className="run-panel" aria-label="Run">
      <h4>Run</h4>
      {imageInputs.map((name) => (
        <div className="field image-field" key={name}>
          <label htmlFor={`run-image-${name}`}>{name}</label>
          <input
            id={`run-image-${name}`}
            type="file"
            accept="image/*"
            data-testid={`run-image-${name}`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) setImages((all) => ({ ...all, [name]: file }));
            }}
          />
          {images[name] && <img className="preview" alt={`${name} preview`} src={URL.createObjectURL(images[name])} />}
        </div>
      ))}
      {parameters.map((p) => (
        <div className="field" key={p.name}>
          <label htmlFor={`run-param-${p.name}`}>{p.name}</label>
          <input
            id={`run-param-${p.name}`}
            placeholder={p.defaultValue === undefined ? "" : JSON.stringify(p.defaultValue)}
            value={values[p.name] ?? (p.defaultValue === undefined ? "" : JSON.stringify(p.defaultValue))}
            onChange={(e) => setValues((all) => ({ ...all, [p.name]: e.target.value }))}
          />
        </div>
      ))}
      <button
        onClick={() => void start()}
        disabled={busy || blockers.length > 0}
        aria-describedby={blockers.length ? "run-blockers" : undefined}
      >
        <ToolIcon name="Run" />
        Run
      </button>
      {blockers.length > 0 && (
        <ul id="run-blockers" className="run-blockers" data-testid="run-disabled-reason">
          {blockers.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
      {run && <Results run={run} />}
      {workflowId !== null && <History workflowId={workflowId} />}
    </section>
  );
}
