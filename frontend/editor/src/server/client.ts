// The one TanStack Query client: server state (workflow lists, runs, revisions, jobs, block details)
// is cached and retried here, and its errors reach the screen instead of being swallowed.

import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "../api";

/** An answer the server gave on purpose (4xx: not found, not allowed, bad input) is final; network
 * failures and 5xx are tried again. */
export function worthRetrying(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 3;
}

export const retryDelay = (attempt: number) => Math.min(250 * 2 ** attempt, 4000);

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: worthRetrying, retryDelay, staleTime: 2000, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

export const keys = {
  me: ["me"] as const,
  workflows: ["workflows"] as const,
  deletedWorkflows: ["workflows", "deleted"] as const,
  revisions: (workflow: number) => ["workflows", workflow, "revisions"] as const,
  runs: (workflow: number) => ["workflows", workflow, "runs"] as const,
  jobs: ["jobs"] as const,
  job: (id: number) => ["jobs", id] as const,
  jobSummary: (id: number) => ["jobs", id, "summary"] as const,
  block: (typeIdentifier: string) => ["blocks", typeIdentifier] as const,
};

/** A failure as a person reads it: the server's message and, when it lists them, its details' own. */
export function reason(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const details = Array.isArray(error.body.details) ? (error.body.details as Array<{ message?: unknown }>) : [];
  const messages = [...new Set(details.map((d) => d?.message).filter((m): m is string => typeof m === "string" && m !== error.message))];
  return [error.message, ...messages.slice(0, 3), messages.length > 3 ? `(and ${messages.length - 3} more)` : ""].filter(Boolean).join(" ");
}
