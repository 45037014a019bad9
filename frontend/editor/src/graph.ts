// The canvas graph <-> Roboflow workflow definition, and the connection rule. Pure functions only:
// the React components and the tests share them.

import { inputTypeOf, kindNames, selectorMap, stepList } from "./records";

export type Literal = unknown;

export interface InputNodeData {
  kind: "input";
  name: string;
  inputType: "WorkflowImage" | "WorkflowParameter";
  defaultValue?: Literal;
  /** A parameter's declared kinds (Roboflow's `kind` list); none means any value. */
  kinds?: string[];
  /** The imported record's other fields (and its own spelling of `type` and `kind`), kept as they were. */
  extra?: Record<string, unknown>;
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
  /** The imported record's other fields (a selector that names nothing here included), kept as they were. */
  extra?: Record<string, unknown>;
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
  [key: string]: unknown;
}

export const VALUE_HANDLE = "value";
/** The handle on every step that a flow-control step's list of steps (`next_steps`) wires into. */
export const FLOW_IN = "__flow";
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

const wire = (source: { node: string; handle: string }, target: string, targetHandle: string): GraphEdge => ({
  id: edgeId(source.node, source.handle, target, targetHandle),
  source: source.node,
  sourceHandle: source.handle,
  target,
  targetHandle,
});

/** Nodes and edges for a definition; every selector that names a node here becomes an edge (a list of
 * steps becomes flow wires, a map of selectors one wire per name), other values stay literals as they
 * were; `extras` holds the definition's own fields besides its three lists. */
export function definitionToGraph(definition: Definition): { nodes: GraphNode[]; edges: GraphEdge[]; extras: Record<string, unknown> } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const { inputs: _i, steps: _s, outputs: _o, ...extras } = definition;
  const known = {
    inputs: new Set((definition.inputs ?? []).map((i) => String(i.name))),
    steps: new Set((definition.steps ?? []).map((s) => String(s.name))),
  };
  const source = (value: unknown) => {
    const found = selectorSource(value);
    const [section, name] = found ? (found.node.split(":") as ["input" | "step", string]) : ["", ""];
    return found && known[section === "input" ? "inputs" : "steps"].has(name) ? found : null;
  };
  for (const input of definition.inputs ?? []) {
    const name = String(input.name);
    const { name: _n, default_value: _d, ...extra } = input;
    const data: InputNodeData = { kind: "input", name, inputType: inputTypeOf(input.type), extra };
    if ("default_value" in input) data.defaultValue = input.default_value;
    const kinds = kindNames(input.kind);
    if (kinds) data.kinds = kinds;
    nodes.push({ id: inputId(name), type: "workflowInput", position: { x: 0, y: 0 }, data });
  }
  for (const step of definition.steps ?? []) {
    const name = String(step.name);
    const literals: Record<string, Literal> = {};
    for (const [property, value] of Object.entries(step)) {
      if (property === "type" || property === "name") continue;
      const single = source(value);
      const gated = stepList(value, known.steps);
      const map = selectorMap(value, source);
      if (single) edges.push(wire(single, stepId(name), property));
      else if (gated) edges.push(...gated.map((target) => wire({ node: stepId(name), handle: property }, stepId(target), FLOW_IN)));
      else if (map) edges.push(...map.map(([key, from]) => wire(from, stepId(name), `${property}.${key}`)));
      else literals[property] = value;
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
    const selector = String(output.selector ?? "");
    const wildcard = /^\$steps\.([A-Za-z_0-9-]+)\.\*$/.exec(selector);
    const from = wildcard && known.steps.has(wildcard[1]) ? { node: stepId(wildcard[1]), handle: "*" } : source(selector);
    const { name: _n, coordinates_system: _c, ...extra } = output;
    if (from) delete extra.selector;
    const data: OutputNodeData = { kind: "output", name, extra };
    if (output.coordinates_system === "own" || output.coordinates_system === "parent") data.coordinatesSystem = output.coordinates_system;
    else if ("coordinates_system" in output) extra.coordinates_system = output.coordinates_system;
    nodes.push({ id: outputId(name), type: "workflowOutput", position: { x: 0, y: 0 }, data });
    if (from) edges.push(wire(from, outputId(name), VALUE_HANDLE));
  }
  return { nodes: layout(nodes, edges), edges, extras };
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

function inputRecord(data: InputNodeData): Record<string, unknown> {
  const extra = data.extra ?? {};
  const input: Record<string, unknown> = { ...extra, name: data.name };
  // The imported spelling (`InferenceImage`, kinds as objects) stays while it still says the same.
  input.type = inputTypeOf(extra.type) === data.inputType && extra.type !== undefined ? extra.type : data.inputType;
  const imported = kindNames(extra.kind);
  const same = JSON.stringify(imported ?? []) === JSON.stringify(data.kinds ?? []);
  if (!same) delete input.kind;
  if (!same && data.inputType === "WorkflowParameter" && data.kinds?.length) input.kind = data.kinds;
  if (data.defaultValue !== undefined) input.default_value = data.defaultValue;
  return input;
}

function stepRecord(
  data: BlockNodeData,
  incoming: GraphEdge[],
  outgoing: GraphEdge[],
  byId: Map<string, GraphNode>,
): Record<string, unknown> {
  const step: Record<string, unknown> = { type: data.typeIdentifier, name: data.name, ...data.literals };
  for (const edge of incoming) {
    const selector = selectorFor(edge, byId);
    const dot = edge.targetHandle.indexOf(".");
    if (!selector || edge.targetHandle === FLOW_IN) continue;
    if (dot < 0) step[edge.targetHandle] = selector;
    else {
      const property = edge.targetHandle.slice(0, dot);
      const current = step[property];
      const map = current && typeof current === "object" && !Array.isArray(current) ? current : {};
      step[property] = { ...map, [edge.targetHandle.slice(dot + 1)]: selector };
    }
  }
  const lists = new Set<string>();
  for (const edge of outgoing) {
    const target = byId.get(edge.target);
    if (edge.targetHandle !== FLOW_IN || target?.data.kind !== "block") continue;
    // The wires are the list, in the order they were drawn.
    const sofar = lists.has(edge.sourceHandle) ? (step[edge.sourceHandle] as string[]) : [];
    lists.add(edge.sourceHandle);
    step[edge.sourceHandle] = [...sofar, `$steps.${target.data.name}`];
  }
  return step;
}

/** The definition the canvas stands for, in the order the nodes were added; `extras` are the
 * definition's own fields besides its three lists (its `version` among them). */
export function graphToDefinition(nodes: GraphNode[], edges: GraphEdge[], extras: Record<string, unknown> = {}): Definition {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const edge of edges) {
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
  }
  const definition: Definition = { version: "1.0", ...extras, inputs: [], steps: [], outputs: [] };
  for (const node of nodes) {
    const data = node.data;
    if (data.kind === "input") definition.inputs.push(inputRecord(data));
    else if (data.kind === "block") definition.steps.push(stepRecord(data, incoming.get(node.id) ?? [], outgoing.get(node.id) ?? [], byId));
    else {
      const edge = (incoming.get(node.id) ?? [])[0];
      const selector = edge ? selectorFor(edge, byId) : null;
      const output: Record<string, unknown> = { type: "JsonField", ...data.extra, name: data.name };
      if (selector || output.selector === undefined) output.selector = selector ?? "";
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
