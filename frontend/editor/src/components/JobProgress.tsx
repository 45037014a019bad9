// A job's progress as the Batch and Evaluate panels show it: status in words, a full-width bar, the
// counts, the rate and time left while it runs, and Cancel. `testid` names the pieces for each panel.

import type { Job } from "../api";
import { FINISHED, jobCounts, jobStatusWord } from "../batch";

type Progress = Pick<Job, "status" | "total" | "done" | "failed" | "cancelled" | "rate" | "eta_seconds">;

export function JobProgress({
  job,
  noun,
  id,
  testid,
  onCancel,
}: {
  job: Progress;
  noun: string;
  id: number;
  testid: string;
  onCancel: () => void;
}) {
  const title = `${noun[0].toUpperCase()}${noun.slice(1)} ${id}`;
  const finished = FINISHED.has(job.status);
  const counts = jobCounts(job);
  return (
    <>
      <div>
        {title}: <span data-testid={`${testid}-status`}>{jobStatusWord(job.status)}</span>
      </div>
      <progress
        data-testid={`${testid}-progress`}
        aria-label={`${title} progress`}
        style={{ width: "100%" }}
        max={job.total || 1}
        value={job.done + job.cancelled}
      />
      <div data-testid={`${testid}-counts`}>
        {counts.succeeded} succeeded, {counts.failed} failed, {counts.pending} pending
        {counts.cancelled ? `, ${counts.cancelled} cancelled` : ""} of {job.total}
      </div>
      {/* No line before the first answer: a rate of 0 gives no ETA. */}
      {!finished && job.rate !== null && job.rate > 0 && (
        <div data-testid={`${testid}-rate`}>
          {job.rate.toFixed(1)} images/s{job.eta_seconds !== null ? `, about ${Math.ceil(job.eta_seconds)} s left` : ""}
        </div>
      )}
      {!finished && (
        <button type="button" onClick={onCancel}>
          Cancel {noun}
        </button>
      )}
    </>
  );
}
