// Copy and paste of nodes. The clipboard holds a Roboflow workflow definition (JSON) of the copied
// nodes and the wires among them, so it pastes into any open workflow, here or in another tab.

import type { Node } from "@xyflow/react";

import { definitionToGraph, graphToDefinition, uniqueName, type Definition, type GraphEdge, type GraphNode, type NodeData } from "./graph";
import { boundsOf, freeSpot } from "./placement";

const SELECTOR = /^\$(inputs|steps)\.([A-Za-z_0-9-]+)(.*)$/;
const SECTIONS = ["inputs", "steps", "outputs"] as const;

/** The definition of some nodes; wires to nodes left behind are dropped. */
export function copyDefinition(nodes: GraphNode[], edges: GraphEdge[]): Definition {
  const ids = new Set(nodes.map((n) => n.id));
  return graphToDefinition(
    nodes,
    edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  );
}

export function isDefinition(value: unknown): value is Definition {
  if (!value || typeof value !== "object") return false;
  const candidate = value as Record<string, unknown>;
  return (
    SECTIONS.every((section) => candidate[section] === undefined || Array.isArray(candidate[section])) && Array.isArray(candidate.steps)
  );
}

function renameSelectors(value: unknown, names: { inputs: Map<string, string>; steps: Map<string, string> }): unknown {
  if (typeof value === "string") {
    const match = SELECTOR.exec(value);
    if (!match) return value;
    const section = match[1] as "inputs" | "steps";
    const renamed = names[section].get(match[2]);
    return renamed === undefined ? value : `$${section}.${renamed}${match[3]}`;
  }
  if (Array.isArray(value)) return value.map((item) => renameSelectors(item, names));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameSelectors(v, names)]));
  return value;
}

/** The definition with every input, step and output given a name the open document does not use yet,
 * and every selector among them following the new names. */
export function withFreshNames(definition: Definition, existing: NodeData[]): Definition {
  const kindOf = { inputs: "input", steps: "block", outputs: "output" } as const;
  const names = { inputs: new Map<string, string>(), steps: new Map<string, string>(), outputs: new Map<string, string>() };
  for (const section of SECTIONS) {
    const taken = existing.filter((d) => d.kind === kindOf[section]).map((d) => d.name);
    for (const item of definition[section] ?? []) {
      // A copy of `classifier_2` is `classifier_3`, not `classifier_2_2`.
      const wanted = String(item.name ?? section);
      const fresh = uniqueName(taken.includes(wanted) ? wanted.replace(/_\d+$/, "") : wanted, taken);
      taken.push(fresh);
      names[section].set(String(item.name), fresh);
    }
  }
  const rename = (section: (typeof SECTIONS)[number]) =>
    (definition[section] ?? []).map((item) => ({
      ...(renameSelectors(item, names) as Record<string, unknown>),
      name: names[section].get(String(item.name)),
    }));
  return { version: definition.version ?? "1.0", inputs: rename("inputs"), steps: rename("steps"), outputs: rename("outputs") };
}

/** Nodes and wires to add for a pasted definition: fresh names and ids, placed at `at` (flow
 * coordinates) or the nearest free spot below it, selected. */
export function pasteGraph(definition: Definition, current: Node<NodeData>[], at: { x: number; y: number }) {
  const fresh = withFreshNames(
    definition,
    current.map((n) => n.data),
  );
  const graph = definitionToGraph(fresh);
  const taken = new Set(current.map((n) => n.id));
  const ids = new Map<string, string>();
  for (const node of graph.nodes) {
    let id = node.id;
    for (let n = 2; taken.has(id); n += 1) id = `${node.id}#${n}`;
    taken.add(id);
    ids.set(node.id, id);
  }
  const bounds = boundsOf(graph.nodes as unknown as Node[]);
  const spot = freeSpot(at, bounds, current);
  const nodes = graph.nodes.map((node) => ({
    ...node,
    id: ids.get(node.id)!,
    ariaLabel: node.data.name,
    selected: true,
    position: { x: node.position.x - bounds.x + spot.x, y: node.position.y - bounds.y + spot.y },
  }));
  const edges = graph.edges.map((edge) => ({
    ...edge,
    id: `${ids.get(edge.source)}/${edge.sourceHandle}->${ids.get(edge.target)}/${edge.targetHandle}`,
    source: ids.get(edge.source)!,
    target: ids.get(edge.target)!,
  }));
  return { nodes, edges };
}
