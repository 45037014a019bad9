// The canvas graph <-> Roboflow workflow definition, and the connection rule. Pure functions only:
// the React components and the tests share them.

export type Literal = unknown;

export interface InputNodeData {
  kind: "input";
  name: string;
  inputType: "WorkflowImage" | "WorkflowParameter";
  defaultValue?: Literal;
  /** A parameter's declared kinds (Roboflow's `kind` list); none means any value. */
  kinds?: string[];
  [key: string]: unknown;
}

export interface BlockNodeData {
  kind: "block";
  name: string;
  typeIdentifier: string;
  literals: Record<string, Literal>;
  [key: string]: unknown;
}

export interface OutputNodeData {
  kind: "output";
  name: string;
  coordinatesSystem?: "own" | "parent";
  [key: string]: unknown;
}

export type NodeData = InputNodeData | BlockNodeData | OutputNodeData;

export interface GraphNode {
  id: string;
  type: "workflowInput" | "block" | "workflowOutput";
  position: { x: number; y: number };
  data: NodeData;
}

export interface GraphEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface Definition {
  version: string;
  inputs: Array<Record<string, unknown>>;
  steps: Array<Record<string, unknown>>;
  outputs: Array<Record<string, unknown>>;
}

export const VALUE_HANDLE = "value";
// The selector grammar is the server's (blocks/selectors.py), served as regex sources in the
// connections payload's `selectors`; these match it until the catalog store passes them in.
let INPUT_SELECTOR = /^\$inputs\.([A-Za-z_0-9-]+)$/;
let STEP_OUTPUT_SELECTOR = /^\$steps\.([A-Za-z_0-9-]+)\.([A-Za-z_*0-9-]+)$/;
export function setSelectorGrammar(sources: { input: string; step_output: string }): void {
  INPUT_SELECTOR = new RegExp(sources.input);
  STEP_OUTPUT_SELECTOR = new RegExp(sources.step_output);
}

export type Positions = Record<string, { x: number; y: number }>;

export const inputId = (name: string) => `input:${name}`;
export const stepId = (name: string) => `step:${name}`;
export const outputId = (name: string) => `output:${name}`;
export const edgeId = (source: string, sourceHandle: string, target: string, targetHandle: string) =>
  `${source}/${sourceHandle}->${target}/${targetHandle}`;

function selectorSource(value: unknown): { node: string; handle: string } | null {
  if (typeof value !== "string") return null;
  const input = INPUT_SELECTOR.exec(value);
  if (input) return { node: inputId(input[1]), handle: VALUE_HANDLE };
  const step = STEP_OUTPUT_SELECTOR.exec(value);
  if (step) return { node: stepId(step[1]), handle: step[2] };
  return null;
}

/** Nodes and edges for a definition; every selector becomes an edge, other values stay literals. */
export function definitionToGraph(definition: Definition): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const input of definition.inputs ?? []) {
    const name = String(input.name);
    const inputType = input.type === "WorkflowImage" || input.type === "InferenceImage" ? "WorkflowImage" : "WorkflowParameter";
    const data: InputNodeData = { kind: "input", name, inputType };
    if ("default_value" in input) data.defaultValue = input.default_value;
    if (Array.isArray(input.kind)) data.kinds = input.kind.map((k) => (typeof k === "string" ? k : String((k as { name?: unknown }).name)));
    nodes.push({ id: inputId(name), type: "workflowInput", position: { x: 0, y: 0 }, data });
  }
  for (const step of definition.steps ?? []) {
    const name = String(step.name);
    const literals: Record<string, Literal> = {};
    for (const [property, value] of Object.entries(step)) {
      if (property === "type" || property === "name") continue;
      const source = selectorSource(value);
      if (source) {
        edges.push({
          id: edgeId(source.node, source.handle, stepId(name), property),
          source: source.node,
          sourceHandle: source.handle,
          target: stepId(name),
          targetHandle: property,
        });
      } else {
        literals[property] = value;
      }
    }
    nodes.push({
      id: stepId(name),
      type: "block",
      position: { x: 0, y: 0 },
      data: { kind: "block", name, typeIdentifier: String(step.type), literals },
    });
  }
  for (const output of definition.outputs ?? []) {
    const name = String(output.name);
    const data: OutputNodeData = { kind: "output", name };
    if (output.coordinates_system === "own" || output.coordinates_system === "parent") data.coordinatesSystem = output.coordinates_system;
    nodes.push({ id: outputId(name), type: "workflowOutput", position: { x: 0, y: 0 }, data });
    const selector = String(output.selector ?? "");
    const wildcard = /^\$steps\.([A-Za-z_0-9-]+)\.\*$/.exec(selector);
    const source = wildcard ? { node: stepId(wildcard[1]), handle: "*" } : selectorSource(selector);
    if (source) {
      edges.push({
        id: edgeId(source.node, source.handle, outputId(name), VALUE_HANDLE),
        source: source.node,
        sourceHandle: source.handle,
        target: outputId(name),
        targetHandle: VALUE_HANDLE,
      });
    }
  }
  return { nodes: layout(nodes, edges), edges };
}

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

/** Every selector in a value (deep), with `$inputs.old` / `$steps.old...` renamed. */
export function renameInSelectors(value: unknown, section: "inputs" | "steps", from: string, to: string): unknown {
  if (typeof value === "string") {
    const prefix = `$${section}.${from}`;
    if (value === prefix) return `$${section}.${to}`;
    if (value.startsWith(`${prefix}.`)) return `$${section}.${to}${value.slice(prefix.length)}`;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => renameInSelectors(item, section, from, to));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameInSelectors(v, section, from, to)]));
  }
  return value;
}

function selectorFor(edge: GraphEdge, nodes: Map<string, GraphNode>): string | null {
  const source = nodes.get(edge.source);
  if (!source) return null;
  if (source.data.kind === "input") return `$inputs.${source.data.name}`;
  if (source.data.kind === "block") return `$steps.${source.data.name}.${edge.sourceHandle}`;
  return null;
}

/** The definition the canvas stands for, in the order the nodes were added. */
export function graphToDefinition(nodes: GraphNode[], edges: GraphEdge[]): Definition {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const incoming = new Map<string, GraphEdge[]>();
  for (const edge of edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
  const definition: Definition = { version: "1.0", inputs: [], steps: [], outputs: [] };
  for (const node of nodes) {
    const data = node.data;
    if (data.kind === "input") {
      const input: Record<string, unknown> = { type: data.inputType, name: data.name };
      if (data.inputType === "WorkflowParameter" && data.kinds?.length) input.kind = data.kinds;
      if (data.defaultValue !== undefined) input.default_value = data.defaultValue;
      definition.inputs.push(input);
    } else if (data.kind === "block") {
      const step: Record<string, unknown> = { type: data.typeIdentifier, name: data.name, ...data.literals };
      for (const edge of incoming.get(node.id) ?? []) {
        const selector = selectorFor(edge, byId);
        if (selector) step[edge.targetHandle] = selector;
      }
      definition.steps.push(step);
    } else {
      const edge = (incoming.get(node.id) ?? [])[0];
      const selector = edge ? selectorFor(edge, byId) : null;
      const output: Record<string, unknown> = { type: "JsonField", name: data.name, selector: selector ?? "" };
      if (data.coordinatesSystem) output.coordinates_system = data.coordinatesSystem;
      definition.outputs.push(output);
    }
  }
  return definition;
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
