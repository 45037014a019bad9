// Auto layout with elk's layered algorithm, from each node's measured size: wires run left to right,
// no two nodes overlap. elk is loaded on first use so it does not delay the first paint.

import type { Edge, Node } from "@xyflow/react";

import { DEFAULT_SIZE } from "./placement";

// React Flow draws its own wires, so elk's edge routes are not used: the cheapest routing and one
// pass of crossing reduction keep a 200-step chain at a few hundred milliseconds here.
const OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.spacing.nodeNode": "40",
  "elk.layered.layering.strategy": "LONGEST_PATH",
  "elk.edgeRouting": "POLYLINE",
  "elk.layered.thoroughness": "1",
  "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
  "elk.separateConnectedComponents": "false",
};

/** New positions by node id. */
export async function autoLayout(nodes: Node[], edges: Edge[]): Promise<Record<string, { x: number; y: number }>> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const ids = new Set(nodes.map((n) => n.id));
  const result = await elk.layout({
    id: "root",
    layoutOptions: OPTIONS,
    children: nodes.map((n) => ({
      id: n.id,
      width: n.measured?.width ?? DEFAULT_SIZE.width,
      height: n.measured?.height ?? DEFAULT_SIZE.height,
    })),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  return Object.fromEntries((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}

/** Loads elk and runs it once on a small graph while the page is idle, so the first real layout
 * does not pay for loading and warming it up. Called once the palette is up: elk is not part of the
 * first load. */
export function warmUpLayout(): void {
  const run = () => {
    const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `w${i}`, position: { x: 0, y: 0 }, data: {} }));
    const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: `w${i}`, target: n.id }));
    void autoLayout(nodes, edges);
  };
  if ("requestIdleCallback" in window) window.requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 1000);
}
