// Finding nodes by what the server and the person call them: a validator's JSON Pointer, a new step's name.

import type { GraphNode } from "./model";

/** The node a JSON Pointer from the validator points into: `/steps/2/confidence` -> step 2's node. */
export function nodeForPointer(pointer: string, nodes: GraphNode[]): { nodeId: string; field: string | null } | null {
  const parts = pointer.split("/").slice(1);
  const section = parts[0];
  const index = Number(parts[1]);
  const kind = section === "steps" ? "block" : section === "inputs" ? "input" : section === "outputs" ? "output" : null;
  if (kind === null || Number.isNaN(index)) return null;
  const node = nodes.filter((n) => n.data.kind === kind)[index];
  return node ? { nodeId: node.id, field: parts[2] ?? null } : null;
}

/** A step name not used yet: `classifier`, `classifier_2`, ... */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const clean =
    base
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .toLowerCase() || "step";
  if (!used.has(clean)) return clean;
  for (let n = 2; ; n += 1) if (!used.has(`${clean}_${n}`)) return `${clean}_${n}`;
}
