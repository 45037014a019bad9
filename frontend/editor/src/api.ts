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
}

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

export const api = {
  blocks: () => request<{ count: number; results: BlockSummary[] }>("GET", "/api/v1/blocks/?state=&executable="),
  block: (id: string) => request<BlockDetail>("GET", `/api/v1/blocks/${id}/`),
  validate: (specification: unknown) =>
    request<{ valid: boolean; errors: Issue[]; warnings: Issue[] }>("POST", "/api/v1/workflows/validate/", { specification }),
  me: () => request<{ authenticated: boolean; username: string | null }>("GET", "/api/v1/auth/me/"),
  login: (username: string, password: string) =>
    request<{ authenticated: boolean; username: string }>("POST", "/api/v1/auth/login/", { username, password }),
  workflows: () => request<{ results: Array<{ id: number; name: string; revision: number; owner: string }> }>("GET", "/api/v1/workflows/"),
  workflow: (id: number) =>
    request<{ id: number; name: string; revision: number; specification: unknown }>("GET", `/api/v1/workflows/${id}/`),
  createWorkflow: (name: string, specification: unknown) =>
    request<{ id: number; revision: number }>("POST", "/api/v1/workflows/", { name, specification }),
  saveWorkflow: (id: number, baseRevision: number, specification: unknown) =>
    request<{ id: number; revision: number }>("PUT", `/api/v1/workflows/${id}/`, { base_revision: baseRevision, specification }),
  revisions: (id: number) =>
    request<{ results: Array<{ number: number; message: string; author: string | null; created_at: string; valid: boolean }> }>(
      "GET",
      `/api/v1/workflows/${id}/revisions/`,
    ),
  restore: (id: number, number: number) =>
    request<{ number: number; specification: unknown }>("POST", `/api/v1/workflows/${id}/revisions/${number}/restore/`),
  run: (specification: unknown, image: File) => {
    const form = new FormData();
    form.append("specification", JSON.stringify(specification));
    form.append("image", image);
    return request<{ status: string; outputs: Array<Record<string, unknown>>; timings: Record<string, number> }>(
      "POST",
      "/api/v1/runs/",
      form,
    );
  },
};
