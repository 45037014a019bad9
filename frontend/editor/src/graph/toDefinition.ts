// The canvas graph -> the Roboflow workflow definition it stands for: each wire becomes the selector
// (or the list of steps, or the map entry) it was drawn from.

import { inputTypeOf, kindNames } from "../records";
import { FLOW_IN, type BlockNodeData, type Definition, type GraphEdge, type GraphNode, type InputNodeData } from "./model";

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
