// Batch jobs of the open saved workflow: start one on a zip of images, follow its progress, rate and
// ETA, cancel it, download its results and see how many images fell in each class.

import { useEffect, useRef, useState } from "react";

import { api, ApiError, type Job } from "../api";
import { useDocument } from "../store/document";
import { useUi } from "../store/ui";

const FINISHED = new Set(["succeeded", "completed_with_errors", "failed", "cancelled"]);
const POLL_MS = 500;

function ClassChart({ job }: { job: Job }) {
  const [classes, setClasses] = useState<Record<string, number> | null>(null);
  useEffect(() => {
    api.jobSummary(job.id).then((s) => setClasses(s.classes), () => setClasses(null));
  }, [job.id, job.done]);
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

function Progress({ job }: { job: Job }) {
  const finished = FINISHED.has(job.status);
  const cancel = () => api.cancelJob(job.id).catch((e: unknown) => useUi.getState().say(e instanceof ApiError ? `Not cancelled: ${e.message}` : String(e), "error"));
  return (
    <div data-testid="job">
      <div>
        Job {job.id}: <span data-testid="job-status">{job.status}</span>
      </div>
      <progress data-testid="job-progress" max={job.total || 1} value={job.done + job.failed} />
      <div data-testid="job-counts">
        {job.done} done, {job.failed} failed of {job.total}
      </div>
      {/* No line before the first answer: a rate of 0 gives no ETA. */}
      {!finished && job.rate !== null && job.rate > 0 && (
        <div data-testid="job-rate">
          {job.rate.toFixed(1)} images/s{job.eta_seconds !== null ? `, about ${Math.ceil(job.eta_seconds)} s left` : ""}
        </div>
      )}
      {!finished && (
        <button type="button" onClick={() => void cancel()}>
          Cancel job
        </button>
      )}
      <div className="downloads">
        <a href={`/api/v1/jobs/${job.id}/results.jsonl`} download>
          results.jsonl
        </a>{" "}
        <a href={`/api/v1/jobs/${job.id}/results.csv`} download>
          results.csv
        </a>
      </div>
      <ClassChart job={job} />
    </div>
  );
}

export function BatchPanel() {
  const workflowId = useDocument((s) => s.meta.id);
  const user = useUi((s) => s.user);
  const [job, setJob] = useState<Job | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  // The latest job of this workflow, when there is one.
  useEffect(() => {
    if (workflowId === null || !user) return;
    api.jobs().then((page) => setJob(page.results.find((j) => j.workflow === workflowId) ?? null), () => undefined);
  }, [workflowId, user]);
  // Follow the job until it finishes.
  useEffect(() => {
    if (!job || FINISHED.has(job.status)) return;
    const timer = window.setTimeout(() => api.job(job.id).then(setJob, () => undefined), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job]);
  if (workflowId === null || !user) return null;
  const start = async (file: File | undefined) => {
    if (!file) return;
    try {
      setJob(await api.startJob(workflowId, file));
      useUi.getState().say(`Batch job started on ${file.name}.`, "success");
    } catch (e) {
      useUi.getState().say(e instanceof ApiError ? `Job not started: ${e.message}` : String(e), "error");
    }
  };
  return (
    <section className="batch" data-testid="batch-panel">
      <h4>Batch</h4>
      <button type="button" onClick={() => picker.current?.click()}>
        Start batch job
      </button>
      <input
        ref={picker}
        type="file"
        accept=".zip,application/zip"
        hidden
        onChange={(e) => {
          void start(e.target.files?.[0]);
          e.target.value = "";
        }}
      />
      {job && <Progress job={job} />}
    </section>
  );
}
