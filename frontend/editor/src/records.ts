// How the parts of a definition the canvas draws as wires are recognised: lists of steps, maps of
// selectors, and an input's own spelling of its type and kinds. Pure functions, shared with the tests.

export const inputTypeOf = (type: unknown) =>
  type === "WorkflowImage" || type === "InferenceImage" ? "WorkflowImage" : "WorkflowParameter";
export const kindNames = (kind: unknown) =>
  Array.isArray(kind) ? kind.map((k) => (typeof k === "string" ? k : String((k as { name?: unknown }).name))) : undefined;

/** The step names of a list of step selectors (`["$steps.a", "$steps.b"]`) when each names a step
 * here once; null for anything else. */
export function stepList(value: unknown, steps: Set<string>): string[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const names = value.map((item) => (typeof item === "string" ? (/^\$steps\.([A-Za-z_0-9-]+)$/.exec(item)?.[1] ?? "") : ""));
  return names.every((n) => steps.has(n)) && new Set(names).size === names.length ? names : null;
}

/** The entries of a map whose every value is a selector naming a node here; null for anything else. */
export function selectorMap<S>(value: unknown, source: (v: unknown) => S | null): Array<[string, S]> | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const entries = Object.entries(value).map(([key, v]) => [key, source(v)] as [string, S | null]);
  return entries.length > 0 && entries.every(([, s]) => s !== null) ? (entries as Array<[string, S]>) : null;
}
