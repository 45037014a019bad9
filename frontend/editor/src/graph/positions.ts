// Where the canvas puts nodes before they are measured: saved positions, or a first layered guess.

import type { GraphEdge, GraphNode, NodeData, Positions } from "./model";

/** The key a node's position is saved under: `inputs/image`, `steps/classifier`, `outputs/top`. */
export function nodeKey(data: NodeData): string {
  return `${data.kind === "block" ? "steps" : `${data.kind}s`}/${data.name}`;
}

/** Saved positions where there are some; the rest stay where `definitionToGraph` put them. */
export function placeSaved<T extends GraphNode>(nodes: T[], positions: Positions): { nodes: T[]; complete: boolean } {
  let complete = true;
  const placed = nodes.map((node) => {
    const saved = positions[nodeKey(node.data)];
    if (!saved) complete = false;
    return saved ? { ...node, position: { x: saved.x, y: saved.y } } : node;
  });
  return { nodes: placed, complete };
}

/** Left-to-right layers, each node one column right of everything that feeds it: a first guess
 * before nodes are measured (Auto layout then uses elk with real sizes). */
export function layout<T extends GraphNode>(nodes: T[], edges: GraphEdge[]): T[] {
  const depth = new Map<string, number>();
  const preds = new Map<string, string[]>();
  for (const edge of edges) preds.set(edge.target, [...(preds.get(edge.target) ?? []), edge.source]);
  const visit = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const value = Math.max(-1, ...(preds.get(id) ?? []).map((p) => visit(p, seen))) + 1;
    depth.set(id, value);
    return value;
  };
  const rows = new Map<number, number>();
  return nodes.map((node) => {
    const column = visit(node.id, new Set());
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return { ...node, position: { x: column * 300, y: row * 170 } };
  });
}
