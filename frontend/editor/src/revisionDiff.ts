// Two revisions' graphs as one, each node and wire marked added, removed, changed or unchanged, so the
// canvas can show what one revision changed against another. Nodes and wires match by id (a step's id
// is its name; a wire's, its two ends), so a renamed step reads as one removed and one added.

import { stable } from "./diff";

export type DiffStatus = "added" | "removed" | "changed" | "unchanged";

interface Keyed {
  id: string;
}

interface Graph<N extends Keyed & { data: unknown }, E extends Keyed> {
  nodes: N[];
  edges: E[];
}

export interface DiffGraph<N, E> {
  nodes: Array<N & { className: string }>;
  edges: Array<E & { className: string }>;
  counts: Record<Exclude<DiffStatus, "unchanged">, number>;
}

const marked = <T extends object>(item: T, status: DiffStatus) => ({ ...item, className: `diff-${status}` });

/** `after` with what `before` had and `after` lacks put back, every node and wire marked. Removed
 * nodes keep their place in `before`. */
export function diffGraphs<N extends Keyed & { data: unknown }, E extends Keyed>(before: Graph<N, E>, after: Graph<N, E>): DiffGraph<N, E> {
  const counts = { added: 0, removed: 0, changed: 0 };
  const count = (status: DiffStatus) => {
    if (status !== "unchanged") counts[status] += 1;
    return status;
  };
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newIds = new Set(after.nodes.map((n) => n.id));
  const nodes = [
    ...after.nodes.map((n) => {
      const old = oldNodes.get(n.id);
      return marked(n, count(!old ? "added" : stable(old.data) === stable(n.data) ? "unchanged" : "changed"));
    }),
    ...before.nodes.filter((n) => !newIds.has(n.id)).map((n) => marked(n, count("removed"))),
  ];
  const oldEdges = new Set(before.edges.map((e) => e.id));
  const newEdges = new Set(after.edges.map((e) => e.id));
  const edges = [
    ...after.edges.map((e) => marked(e, count(oldEdges.has(e.id) ? "unchanged" : "added"))),
    ...before.edges.filter((e) => !newEdges.has(e.id)).map((e) => marked(e, count("removed"))),
  ];
  return { nodes, edges, counts };
}
