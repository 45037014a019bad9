// Batch jobs of the open saved workflow: start one on a zip of images (the document saved first, its
// parameters given), follow its progress, rate and ETA, cancel it, download its results, see how many
// images fell in each class and which images failed with which code.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, type Job } from "../api";
import { save } from "../actions/documents";
import { jobFailures, FINISHED } from "../batch";
import { keys, queryClient, reason } from "../server/client";
import { isDirty, useDocument } from "../store/document";
import { useUi } from "../store/ui";
import { parseLiteral } from "./IoSettings";
import { FilePickerButton } from "./FilePickerButton";
import { JobProgress } from "./JobProgress";

const POLL_MS = 500;

function ClassChart({ job }: { job: Job }) {
  const summary = useQuery({ queryKey: [...keys.jobSummary(job.id), job.done], queryFn: () => api.jobSummary(job.id) });
  const classes = summary.data?.classes;
  if (!classes) return null;
  const most = Math.max(1, ...Object.values(classes));
  return (
    <div data-testid="job-classes">
      {Object.entries(classes).map(([name, count]) => (
        <div key={name} className="bar-row" data-testid={`job-class-${name}`}>
          <span className="bar-label">{name}</span>
          <span className="bar" style={{ width: `${Math.round((count / most) * 100)}%` }} />
          <span className="bar-value">{count}</span>
        </div>
      ))}
    </div>
  );
}

/** Each failure code with the images that failed with it (read from the job's JSONL results). */
function Failures({ job }: { job: Job }) {
  const results = useQuery({
    queryKey: [...keys.job(job.id), "failures", job.failed],
    queryFn: async () => jobFailures(await (await fetch(`/api/v1/jobs/${job.id}/results.jsonl`, { credentials: "same-origin" })).text()),
    enabled: job.failed > 0,
  });
  if (job.failed === 0 || !results.data) return null;
  return (
    <ul className="job-failures" data-testid="job-failures" aria-label="Failures">
      {results.data.map(({ code, message, sources }) => (
        <li key={code} title={message}>
          <code>{code}</code>: {sources.join(", ")}
        </li>
      ))}
    </ul>
  );
}

function Progress({ job }: { job: Job }) {
  const cancel = () =>
    api.cancelJob(job.id).then(
      (cancelled) => queryClient.setQueryData(keys.job(job.id), cancelled),
      (e: unknown) => useUi.getState().say(`Not cancelled: ${reason(e)}`, "error"),
    );
  return (
    <div data-testid="job">
      <JobProgress job={job} noun="job" id={job.id} testid="job" onCancel={() => void cancel()} />
      <div className="downloads">
        <a href={`/api/v1/jobs/${job.id}/results.jsonl`} download>
          results.jsonl
        </a>{" "}
        <a href={`/api/v1/jobs/${job.id}/results.csv`} download>
          results.csv
        </a>
      </div>
      <Failures job={job} />
      <ClassChart job={job} />
    </div>
  );
}

/** The workflow's parameters, each a field prefilled with its default (JSON or plain text). */
function useParameters() {
  const parameters = useDocument((s) => s.nodes).flatMap((n) =>
    n.data.kind === "input" && n.data.inputType === "WorkflowParameter" ? [n.data] : [],
  );
  const [values, setValues] = useState<Record<string, string>>({});
  const text = (name: string, fallback: unknown) => values[name] ?? (fallback === undefined ? "" : JSON.stringify(fallback));
  const collect = () => {
    const given: Record<string, unknown> = {};
    for (const p of parameters) {
      const value = parseLiteral(text(p.name, p.defaultValue));
      if (value !== undefined) given[p.name] = value;
    }
    return given;
  };
  const fields = parameters.map((p) => (
    <div className="field" key={p.name}>
      <label htmlFor={`batch-param-${p.name}`}>{p.name}</label>
      <input
        id={`batch-param-${p.name}`}
        value={text(p.name, p.defaultValue)}
        onChange={(e) => setValues((all) => ({ ...all, [p.name]: e.target.value }))}
      />
    </div>
  ));
  return { fields, collect };
}

/** True when the document is saved, or the person agreed to save it and the save went through. */
export async function savedFirst(what = "a batch job"): Promise<boolean> {
  if (!isDirty(useDocument.getState())) return true;
  if (!window.confirm(`The workflow has unsaved changes, and ${what} runs a saved revision. Save them and start?`)) {
    const noun = what.replace(/^an? /, "");
    useUi.getState().say(`${noun[0].toUpperCase()}${noun.slice(1)} not started: the workflow has unsaved changes.`, "warning");
    return false;
  }
  await save();
  return !isDirty(useDocument.getState());
}

export function BatchPanel() {
  const workflowId = useDocument((s) => s.meta.id);
  const user = useUi((s) => s.user);
  const [started, setStarted] = useState<number | null>(null);
  const { fields, collect } = useParameters();
  const enabled = workflowId !== null && !!user;
  // The latest job of this workflow, when there is one, then followed until it finishes.
  const latest = useQuery({
    queryKey: keys.jobs,
    queryFn: api.jobs,
    enabled: enabled && started === null,
    select: (page) => page.results.find((j) => j.workflow === workflowId && j.source !== "dataset")?.id ?? null,
  });
  const jobId = started ?? latest.data ?? null;
  const job = useQuery({
    queryKey: keys.job(jobId ?? 0),
    queryFn: () => api.job(jobId ?? 0),
    enabled: enabled && jobId !== null,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : POLL_MS),
  });
  if (!enabled) return null;
  const start = async (file: File) => {
    if (!(await savedFirst())) return;
    const id = useDocument.getState().meta.id;
    if (id === null) return;
    try {
      const created = await api.startJob(id, file, collect());
      queryClient.setQueryData(keys.job(created.id), created);
      setStarted(created.id);
      useUi.getState().say(`Batch job started on ${file.name}.`, "success");
    } catch (e) {
      useUi.getState().say(`Job not started: ${reason(e)}`, "error");
    }
  };
  return (
    <section className="batch" data-testid="batch-panel" aria-label="Batch">
      <h4>Batch</h4>
      {fields}
      <FilePickerButton accept=".zip,application/zip" onFile={(file) => void start(file)}>
        Start batch job
      </FilePickerButton>
      {job.isError && (
        <p className="status-error" role="alert">
          Could not follow job {jobId}: {reason(job.error)}
        </p>
      )}
      {job.data && <Progress job={job.data} />}
    </section>
  );
}
