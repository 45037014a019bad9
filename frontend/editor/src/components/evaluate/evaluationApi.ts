// The evaluation routes the Evaluate panel and the upgrade dialog call: datasets, evaluations, their
// images and comparisons, and an upgrade checked against a dataset (the evaluation gate).

import { request, type UpgradePlan } from "../../api";
import type { components } from "../../generated/api";
import type { Comparison, Metrics } from "./report";

type Schemas = { [Name in keyof components["schemas"]]: Required<components["schemas"][Name]> };
type Page<T> = { count: number; results: T[] };

export type Dataset = Omit<Schemas["Dataset"], "skipped"> & { skipped: Array<{ file: string; reason: string }> };
export type Evaluation = Omit<Schemas["Evaluation"], "metrics"> & { metrics: Metrics | null };
export type EvaluationItem = Schemas["EvaluationItem"];
export type ItemQuery = { label?: string; prediction?: string; outcome?: "correct" | "wrong" };

export interface Gate {
  passed: boolean;
  dataset: number;
  output: string;
  base_revision: number;
  limits: { max_accuracy_drop: number };
  accuracy_drop: number;
  comparison: Comparison;
}

export type GatedUpgrade = UpgradePlan & { dry_run: boolean; base_revision: number; revision: number | null; gate?: Gate };

export interface GateQuery {
  dataset: number;
  maxAccuracyDrop: number;
  /** Refuse (409) to apply a change that fails; without it the upgrade is only previewed. */
  apply: boolean;
}

const query = (values: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined)).toString();

export const evaluationApi = {
  datasets: () => request<Page<Dataset>>("GET", "/api/v1/datasets/"),
  uploadDataset: (zip: File) => {
    const form = new FormData();
    form.append("images", zip);
    return request<Dataset>("POST", "/api/v1/datasets/", form);
  },
  start: (workflowId: number, dataset: number, output: string) =>
    request<Evaluation>("POST", `/api/v1/workflows/${workflowId}/evaluations/`, { dataset, output }),
  list: () => request<Page<Evaluation>>("GET", "/api/v1/evaluations/"),
  get: (id: number) => request<Evaluation>("GET", `/api/v1/evaluations/${id}/`),
  cancel: (id: number) => request<Evaluation>("POST", `/api/v1/evaluations/${id}/cancel/`),
  items: (id: number, filter: ItemQuery) => request<Page<EvaluationItem>>("GET", `/api/v1/evaluations/${id}/items/?${query(filter)}`),
  compare: (a: number, b: number) => request<Comparison>("GET", `/api/v1/evaluations/${a}/compare/${b}/`),
  /** The server's upgrade of the saved workflow, checked against a dataset first. */
  gatedUpgrade: (workflowId: number, baseRevision: number, steps: Record<string, string>, gate: GateQuery) => {
    const params = query({
      evaluate_on: String(gate.dataset),
      max_accuracy_drop: String(gate.maxAccuracyDrop),
      ...(gate.apply ? { require: "evaluation" } : { dry_run: "true" }),
    });
    return request<GatedUpgrade>("POST", `/api/v1/workflows/${workflowId}/upgrade/?${params}`, { base_revision: baseRevision, steps });
  },
};

export const evaluationKeys = {
  datasets: ["datasets"] as const,
  list: ["evaluations"] as const,
  one: (id: number) => ["evaluations", id] as const,
  items: (id: number, filter: ItemQuery) => ["evaluations", id, "items", filter] as const,
  compare: (a: number, b: number) => ["evaluations", a, "compare", b] as const,
};
