// The REST API the editor talks to (and nothing else). Errors carry the server's code and message.

import type { components } from "./generated/api";

// The response types come from the OpenAPI schema (generated/api.ts, `make api-types`). Where the schema
// says only `unknown` (JSON fields the server fills), the editor states the shape it reads, on top.
// A serializer's output carries every field, defaults included, where the schema marks some optional.
type Schemas = { [Name in keyof components["schemas"]]: Required<components["schemas"][Name]> };

export type BlockSummary = Omit<Schemas["BlockVersionSlim"], "aliases"> & { aliases: string[] };
export type KindInfo = Schemas["Kind"];
export type WorkflowSummary = Schemas["WorkflowList"];
export type Issue = Schemas["WorkflowIssue"];
export type Validation = Schemas["WorkflowValidation"];
export type Job = Schemas["Job"];
export type JobStatus = Schemas["JobStatusEnum"];
export type Revision = Schemas["RevisionList"];
export type DeletedWorkflow = Schemas["WorkflowDeleted"];
export type Me = Schemas["Me"];
type Page<T> = { count: number; results: T[] };

export type Layout = Record<string, { x: number; y: number }>;

export type WorkflowDetail = Omit<Schemas["WorkflowDetail"], "layout"> & { layout: Layout };

export interface PropertyInfo {
  name: string;
  title: string;
  description: string;
  required: boolean;
  has_default: boolean;
  default: unknown;
  accepts_literals: boolean;
  takes_reference: boolean;
  takes_step_selector: boolean;
  kinds: string[];
  /** The kinds of its references that may point at step outputs (the server's rule). */
  step_kinds: string[];
  /** A list of references (`next_steps`) or a map of names to references (`evaluation_parameters`). */
  is_list_element?: boolean;
  is_dict_element?: boolean;
}

export type BlockDetail = Omit<Schemas["BlockVersionDetail"], "aliases" | "schema" | "properties" | "outputs" | "versions"> & {
  aliases: string[];
  schema: Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
  properties: PropertyInfo[];
  outputs: Array<{ name: string; kinds: string[] }>;
  versions: Array<{ type_identifier: string; version: string; state: string; is_default: boolean }>;
};

/** What one step gave for one input element (the server's executor/engine/step_results.py). */
export interface StepResult {
  status: "ran" | "skipped" | "failed" | "passed" | "stopped";
  outputs: Record<string, unknown> | null;
}

export type RunSummary = Omit<Schemas["Run"], "outputs" | "timings" | "steps" | "error" | "inputs"> & {
  /** Per step, per input element; absent on runs recorded before steps were kept. */
  steps?: Record<string, StepResult[]>;
  /** Per image input, what went in (size, content hash, thumbnail); absent on runs recorded before. */
  inputs?: Record<string, Array<{ type: "image"; width: number; height: number; sha256: string; thumbnail: string }>>;
  outputs: Array<Record<string, unknown>>;
  timings: Record<string, number>;
  error: { code?: string; message?: string; step?: string | null } | null;
};

export type UpgradePlan = Omit<Schemas["UpgradePlan"], "validation"> & { validation: Validation };

export type JobSummary = Omit<Schemas["JobSummary"], "classes" | "errors"> & {
  classes: Record<string, number>;
  errors: Record<string, number>;
};

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public body: Record<string, unknown>,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  const match = /(?:^|; )csrftoken=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : "";
}

export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "X-CSRFToken": csrfToken() };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    throw new ApiError(response.status, String(data.code ?? response.status), String(data.message ?? response.statusText), data);
  }
  return data as T;
}

export const api = {
  blocks: () => request<Page<BlockSummary>>("GET", "/api/v1/blocks/?state=&executable="),
  block: (id: string) => request<BlockDetail>("GET", `/api/v1/blocks/${id}/`),
  kinds: () => request<Page<KindInfo>>("GET", "/api/v1/kinds/"),
  kind: (name: string) =>
    request<KindInfo & { used_by: { inputs: Array<{ type_identifier: string; property: string }> } }>(
      "GET",
      `/api/v1/kinds/${encodeURIComponent(name)}/`,
    ),
  connections: () =>
    request<{
      blocks: string[];
      edges: Record<string, { outputs: Record<string, "*" | Array<[number, string[]]>> }>;
      selectors?: { input: string; step_output: string; step: string };
    }>("GET", "/api/v1/connections/"),
  models: () => request<Page<Schemas["LocalModel"]>>("GET", "/api/v1/models/"),
  validate: (specification: unknown) => request<Validation>("POST", "/api/v1/workflows/validate/", { specification }),
  me: () => request<Me>("GET", "/api/v1/auth/me/"),
  login: (username: string, password: string) => request<Me>("POST", "/api/v1/auth/login/", { username, password }),
  logout: () => request<unknown>("POST", "/api/v1/auth/logout/"),
  workflows: () => request<Page<WorkflowSummary>>("GET", "/api/v1/workflows/"),
  workflow: (id: number) => request<WorkflowDetail>("GET", `/api/v1/workflows/${id}/`),
  createWorkflow: (name: string, specification: unknown, layout: Layout) =>
    request<WorkflowDetail>("POST", "/api/v1/workflows/", { name, specification, layout }),
  saveWorkflow: (id: number, baseRevision: number, name: string, specification: unknown, layout: Layout) =>
    request<WorkflowDetail>("PUT", `/api/v1/workflows/${id}/`, { base_revision: baseRevision, name, specification, layout }),
  duplicateWorkflow: (id: number) => request<WorkflowDetail>("POST", `/api/v1/workflows/${id}/duplicate/`, {}),
  deleteWorkflow: (id: number) => request<unknown>("DELETE", `/api/v1/workflows/${id}/`),
  deletedWorkflows: () => request<Page<DeletedWorkflow>>("GET", "/api/v1/workflows/deleted/"),
  restoreWorkflow: (id: number) => request<WorkflowDetail>("POST", `/api/v1/workflows/${id}/restore/`),
  revisions: (id: number) => request<Page<Revision>>("GET", `/api/v1/workflows/${id}/revisions/`),
  revision: (id: number, number: number) =>
    request<Omit<Schemas["RevisionDetail"], "layout"> & { layout?: Layout }>("GET", `/api/v1/workflows/${id}/revisions/${number}/`),
  restore: (id: number, number: number) =>
    request<Omit<Schemas["RevisionDetail"], "layout"> & { layout?: Layout }>(
      "POST",
      `/api/v1/workflows/${id}/revisions/${number}/restore/`,
    ),
  publishWorkflow: (id: number, family: string, version: string) =>
    request<BlockDetail>("POST", `/api/v1/workflows/${id}/publish/`, { family, version }),
  upgradePreview: (specification: unknown, steps: Record<string, string>) =>
    request<UpgradePlan>("POST", "/api/v1/workflows/upgrade/", { specification, steps }),
  startJob: (workflowId: number, zip: File, parameters: Record<string, unknown> = {}) => {
    const form = new FormData();
    form.append("images", zip);
    form.append("parameters", JSON.stringify(parameters));
    return request<Job>("POST", `/api/v1/workflows/${workflowId}/jobs/`, form);
  },
  jobs: () => request<Page<Job>>("GET", "/api/v1/jobs/"),
  job: (id: number) => request<Job>("GET", `/api/v1/jobs/${id}/`),
  jobSummary: (id: number) => request<JobSummary>("GET", `/api/v1/jobs/${id}/summary/`),
  cancelJob: (id: number) => request<Job>("POST", `/api/v1/jobs/${id}/cancel/`),
  runs: (workflowId: number) => request<Page<RunSummary>>("GET", `/api/v1/workflows/${workflowId}/runs/`),
  run: (target: { specification: unknown } | { workflow: number }, images: Record<string, File>, inputs: Record<string, unknown>) => {
    const form = new FormData();
    if ("workflow" in target) form.append("workflow", String(target.workflow));
    else form.append("specification", JSON.stringify(target.specification));
    form.append("inputs", JSON.stringify(inputs));
    for (const [name, file] of Object.entries(images)) form.append(name, file);
    return request<RunSummary>("POST", "/api/v1/runs/", form);
  },
};
