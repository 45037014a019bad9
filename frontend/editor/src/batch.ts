// What the Batch panel says about a job: counts apart, status in words, failures by code.

import type { Job, JobStatus } from "./api";

export const FINISHED: ReadonlySet<JobStatus> = new Set<JobStatus>(["succeeded", "completed_with_errors", "failed", "cancelled"]);

const STATUS_WORDS: Record<JobStatus, string> = {
  queued: "Waiting for a worker",
  running: "Running",
  succeeded: "Finished",
  completed_with_errors: "Finished with failures",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function jobStatusWord(status: JobStatus): string {
  return STATUS_WORDS[status];
}

/** The API's `done` counts every processed image, failed or not: succeeded is what is left of it. */
export function jobCounts(job: Pick<Job, "total" | "done" | "failed" | "cancelled">) {
  return {
    succeeded: job.done - job.failed,
    failed: job.failed,
    cancelled: job.cancelled,
    pending: Math.max(0, job.total - job.done - job.cancelled),
  };
}

export interface FailureGroup {
  code: string;
  message: string;
  sources: string[];
}

/** The failed lines of a job's JSONL results, grouped by error code (in order of first appearance). */
export function jobFailures(jsonl: string): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const line of jsonl.split("\n")) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { source: string; status: string; error: { code?: string; message?: string } | null };
    if (row.status !== "failed") continue;
    const code = row.error?.code ?? "unknown";
    const group = groups.get(code) ?? { code, message: row.error?.message ?? "", sources: [] };
    group.sources.push(row.source);
    groups.set(code, group);
  }
  return [...groups.values()];
}
