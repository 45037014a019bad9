// A Roboflow workflow definition -> the canvas graph: nodes for inputs, steps and outputs, an edge for
// every selector that names a node here.

import { inputTypeOf, kindNames, selectorMap, stepList } from "../records";
import {
  FLOW_IN,
  VALUE_HANDLE,
  edgeId,
  inputId,
  outputId,
  stepId,
  type Definition,
  type GraphEdge,
  type GraphNode,
  type InputNodeData,
  type Literal,
  type OutputNodeData,
} from "./model";
import { layout } from "./positions";
import { selectorSource } from "./selectors";

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
