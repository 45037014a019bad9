// The REST API the editor talks to (and nothing else). Errors carry the server's code and message.

export interface BlockSummary {
  type_identifier: string;
  aliases: string[];
  family: string;
  version: string;
  human_name: string;
  category: string;
  short_description: string;
  search_keywords: string[];
  state: string;
  is_default: boolean;
  executable: boolean;
  source: string;
  deprecation_message: string;
  replacement: string;
  docs_url: string;
}

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

export interface KindInfo {
  name: string;
  description: string;
  /** The kinds a property may accept to be fed a value of this kind. */
  accepted_by: string[];
}

export interface WorkflowSummary {
  id: number;
  name: string;
  revision: number;
  owner: string;
}

export interface WorkflowDetail extends WorkflowSummary {
  specification: unknown;
  layout: Record<string, { x: number; y: number }>;
}

/** What one step gave for one input element (the server's executor/engine/step_results.py). */
export interface StepResult {
  status: "ran" | "skipped" | "failed" | "passed" | "stopped";
  outputs: Record<string, unknown> | null;
}

export interface RunSummary {
  id: number;
  /** Per step, per input element; absent on runs recorded before steps were kept. */
  steps?: Record<string, StepResult[]>;
  status: string;
  workflow: number | null;
  revision: number | null;
  outputs: Array<Record<string, unknown>>;
  timings: Record<string, number>;
  duration_ms: number;
  error: { message?: string } | null;
  created_at: string;
}

export type Layout = Record<string, { x: number; y: number }>;

export interface BlockDetail extends BlockSummary {
  schema: Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
  properties: PropertyInfo[];
  outputs: Array<{ name: string; kinds: string[] }>;
  versions: Array<{ type_identifier: string; version: string; state: string; is_default: boolean }>;
}

export interface Issue {
  code: string;
  message: string;
  pointer: string;
  step: string | null;
  property: string | null;
  selector: string | null;
  suggestions: string[];
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public body: Record<string, unknown>) {
    super(message);
  }
}

function csrfToken(): string {
  const match = /(?:^|; )csrftoken=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : "";
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
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

type Page<T> = { count: number; results: T[] };

export interface Job {
  id: number;
  workflow: number;
  status: string;
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  rate: number | null;
  eta_seconds: number | null;
}

export interface UpgradePlan {
  steps: Array<{ step: string; from: string; to: string; changes: Array<{ code: string; pointer: string; message: string; breaks: string[] }> }>;
  patch: Array<{ op: string; path: string; value?: unknown; from?: string }>;
  specification: unknown;
  validation: { valid: boolean; errors: Issue[]; warnings: Issue[] };
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
    request<{ blocks: string[]; edges: Record<string, { outputs: Record<string, "*" | Array<[number, string[]]>> }> }>(
      "GET",
      "/api/v1/connections/",
    ),
  models: () => request<Page<{ model_id: string; class_names: string[] }>>("GET", "/api/v1/models/"),
  validate: (specification: unknown) =>
    request<{ valid: boolean; errors: Issue[]; warnings: Issue[] }>("POST", "/api/v1/workflows/validate/", { specification }),
  me: () => request<{ authenticated: boolean; username: string | null }>("GET", "/api/v1/auth/me/"),
  login: (username: string, password: string) =>
    request<{ authenticated: boolean; username: string }>("POST", "/api/v1/auth/login/", { username, password }),
  logout: () => request<unknown>("POST", "/api/v1/auth/logout/"),
  workflows: () => request<Page<WorkflowSummary>>("GET", "/api/v1/workflows/"),
  workflow: (id: number) => request<WorkflowDetail>("GET", `/api/v1/workflows/${id}/`),
  createWorkflow: (name: string, specification: unknown, layout: Layout) =>
    request<WorkflowDetail>("POST", "/api/v1/workflows/", { name, specification, layout }),
  saveWorkflow: (id: number, baseRevision: number, name: string, specification: unknown, layout: Layout) =>
    request<WorkflowDetail>("PUT", `/api/v1/workflows/${id}/`, { base_revision: baseRevision, name, specification, layout }),
  revisions: (id: number) =>
    request<Page<{ number: number; message: string; author: string | null; created_at: string; valid: boolean }>>(
      "GET",
      `/api/v1/workflows/${id}/revisions/`,
    ),
  restore: (id: number, number: number) =>
    request<{ number: number; specification: unknown; layout: Layout }>("POST", `/api/v1/workflows/${id}/revisions/${number}/restore/`),
  upgradePreview: (specification: unknown, steps: Record<string, string>) =>
    request<UpgradePlan>("POST", "/api/v1/workflows/upgrade/", { specification, steps }),
  startJob: (workflowId: number, zip: File) => {
    const form = new FormData();
    form.append("images", zip);
    return request<Job>("POST", `/api/v1/workflows/${workflowId}/jobs/`, form);
  },
  jobs: () => request<Page<Job>>("GET", "/api/v1/jobs/"),
  job: (id: number) => request<Job>("GET", `/api/v1/jobs/${id}/`),
  jobSummary: (id: number) => request<{ classes: Record<string, number>; errors: Record<string, number> }>("GET", `/api/v1/jobs/${id}/summary/`),
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
