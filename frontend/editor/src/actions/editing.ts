// Changes to the graph a person makes: add, wire, delete, duplicate, copy and paste, select.

import type { Connection, ReactFlowInstance } from "@xyflow/react";

import type { BlockSummary } from "../api";
import { copyDefinition, isDefinition, pasteGraph } from "../clipboard";
import { edgeId, FLOW_IN, uniqueName, VALUE_HANDLE, type GraphEdge, type GraphNode, type NodeData } from "../graph";
import { acceptedFrom, fits, outputKinds } from "../kinds";
import { boundsOf, DEFAULT_SIZE, freeSpot } from "../placement";
import { useCatalog } from "../store/catalog";
import { useDocument, type FlowEdge, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { subflowOutputKinds } from "./subflows";
import { flowRefusal, mapEntryHandle, namesSources, propertyOfHandle } from "../wiring";

const CLIPBOARD_KEY = "blockwise.clipboard";

function freshId(prefix: string, name: string): string {
  const taken = new Set(useDocument.getState().nodes.map((n) => n.id));
  let id = `${prefix}:${name}`;
  for (let n = 2; taken.has(id); n += 1) id = `${prefix}:${name}#${n}`;
  return id;
}

function addNode(type: FlowNode["type"], prefix: string, data: NodeData, at: { x: number; y: number }): FlowNode {
  const { nodes } = useDocument.getState();
  const node: FlowNode = {
    id: freshId(prefix, data.name),
    type,
    position: freeSpot(at, DEFAULT_SIZE, nodes),
    ariaLabel: data.name,
    data,
  };
  useDocument
    .getState()
    .setGraph((g) => ({ nodes: [...g.nodes.map((n) => ({ ...n, selected: false })), { ...node, selected: true }], edges: g.edges }));
  return node;
}

function namesOf(kind: NodeData["kind"]): string[] {
  return useDocument
    .getState()
    .nodes.filter((n) => n.data.kind === kind)
    .map((n) => n.data.name);
}

export async function addBlock(summary: BlockSummary, at: { x: number; y: number }): Promise<FlowNode | null> {
  const detail = await useCatalog.getState().ensureDetail(summary.type_identifier);
  if (!detail) {
    useUi.getState().say(`Could not load ${summary.human_name}.`, "error");
    return null;
  }
  const name = uniqueName(detail.family.split("/").pop() ?? "step", namesOf("block"));
  return addNode("block", "step", { kind: "block", name, typeIdentifier: summary.type_identifier, literals: {} }, at);
}

export function addInput(inputType: "WorkflowImage" | "WorkflowParameter", at = { x: 0, y: 40 }): FlowNode {
  const name = uniqueName(inputType === "WorkflowImage" ? "image" : "parameter", namesOf("input"));
  return addNode("workflowInput", "input", { kind: "input", name, inputType }, at);
}

export function addOutput(at = { x: 760, y: 40 }): FlowNode {
  const name = uniqueName("output", namesOf("output"));
  return addNode("workflowOutput", "output", { kind: "output", name }, at);
}

/** The kinds a node's output handle gives. */
export function producedKinds(node: FlowNode | undefined, handle: string | null | undefined): string[] {
  if (!node) return [];
  const data = node.data;
  if (data.kind === "input") return data.inputType === "WorkflowImage" ? ["image"] : data.kinds?.length ? data.kinds : ["*"];
  const subflow = data.kind === "block" && handle ? subflowOutputKinds(node, handle) : null;
  if (subflow) return subflow;
  if (data.kind === "block") return handle === "*" ? ["*"] : outputKinds(useCatalog.getState().details[data.typeIdentifier], handle ?? "");
  return [];
}

/** Why a wire may not be drawn, or null when it fits. Outputs of the workflow take anything. */
export function refusal(connection: Connection | FlowEdge): string | null {
  const { nodes } = useDocument.getState();
  const source = nodes.find((n) => n.id === connection.source);
  const target = nodes.find((n) => n.id === connection.target);
  if (!source || !target || target.data.kind === "output") return null;
  if (target.data.kind !== "block") return "Cannot connect into a workflow input.";
  const { details } = useCatalog.getState();
  const flow = flowRefusal(
    source.data.kind === "block" ? details[source.data.typeIdentifier] : undefined,
    connection.sourceHandle,
    connection.targetHandle,
    target.data,
  );
  if (flow !== undefined) return flow;
  const property = details[target.data.typeIdentifier]?.properties.find((p) => p.name === propertyOfHandle(connection.targetHandle));
  const produced = producedKinds(source, connection.sourceHandle);
  const accepted = property ? acceptedFrom(property, source.data.kind === "block") : [];
  if (fits(useCatalog.getState().kinds, produced, accepted)) return null;
  return `Cannot connect: ${connection.sourceHandle} gives ${produced.join(" | ") || "nothing"}, but ${connection.targetHandle} accepts ${accepted.join(" | ") || "nothing"}.`;
}

/** Draws a wire if it fits; a property or output takes one wire, so a new one replaces the old. */
export function connect(connection: Connection): boolean {
  const reason = refusal(connection);
  if (reason) {
    useUi.getState().say(reason, "error");
    return false;
  }
  const { source, target } = connection;
  const sourceHandle = connection.sourceHandle ?? VALUE_HANDLE;
  const targetHandle = entryHandle(connection) ?? connection.targetHandle ?? VALUE_HANDLE;
  const edge: FlowEdge = { id: edgeId(source, sourceHandle, target, targetHandle), source, sourceHandle, target, targetHandle };
  // A flow handle takes a wire from every gate; anything else takes one wire.
  const replaced = (e: FlowEdge) =>
    e.target === target && e.targetHandle === targetHandle && (targetHandle !== FLOW_IN || e.source === source);
  useDocument.getState().setGraph((g) => ({ nodes: g.nodes, edges: [...g.edges.filter((e) => !replaced(e)), edge] }));
  useUi.getState().say("", "info");
  return true;
}

/** A wire dropped on a map's own handle (`evaluation_parameters`) becomes a new entry named after its source. */
function entryHandle(connection: Connection): string | null {
  const { nodes, edges } = useDocument.getState();
  const target = nodes.find((n) => n.id === connection.target);
  const source = nodes.find((n) => n.id === connection.source);
  if (target?.data.kind !== "block" || !source || !connection.targetHandle || connection.targetHandle.includes(".")) return null;
  const property = useCatalog.getState().details[target.data.typeIdentifier]?.properties.find((p) => p.name === connection.targetHandle);
  if (!namesSources(property)) return null;
  const taken = edges.filter((e) => e.target === target.id).map((e) => e.targetHandle ?? "");
  return mapEntryHandle(
    connection.targetHandle,
    source.data.kind === "block" ? `${source.data.name}_${connection.sourceHandle}` : source.data.name,
    taken,
  );
}

export function selectAll(): void {
  useDocument.getState().setGraph((g) => ({
    nodes: g.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
    edges: g.edges.map((e) => (e.selected ? e : { ...e, selected: true })),
  }));
}

type Flow = Pick<ReactFlowInstance<FlowNode, FlowEdge>, "deleteElements">;

/** Deletes nodes (with their wires) and wires through React Flow, as one undo step. */
export async function deleteElements(flow: Flow, which: { nodes?: string[]; edges?: string[] }): Promise<void> {
  const document = useDocument.getState();
  document.beginGesture();
  try {
    await flow.deleteElements({ nodes: (which.nodes ?? []).map((id) => ({ id })), edges: (which.edges ?? []).map((id) => ({ id })) });
  } finally {
    useDocument.getState().endGesture();
  }
}

export function deleteSelection(flow: Flow): Promise<void> {
  const { nodes, edges } = useDocument.getState();
  return deleteElements(flow, {
    nodes: nodes.filter((n) => n.selected).map((n) => n.id),
    edges: edges.filter((e) => e.selected).map((e) => e.id),
  });
}

export function deleteEdge(id: string): void {
  useDocument.getState().setGraph((g) => ({ nodes: g.nodes, edges: g.edges.filter((e) => e.id !== id) }));
}

export function selectOnly(id: string): void {
  useDocument.getState().setGraph((g) => ({
    nodes: g.nodes.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })),
    edges: g.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
  }));
}

/** The selection as a Roboflow definition (JSON text), or null when nothing is selected. */
export function copySelection(): string | null {
  const { nodes, edges } = useDocument.getState();
  const chosen = nodes.filter((n) => n.selected);
  if (chosen.length === 0) return null;
  const text = JSON.stringify(copyDefinition(chosen as unknown as GraphNode[], edges as unknown as GraphEdge[]), null, 2);
  // Kept for the context menu's Paste, which cannot read the system clipboard without a permission.
  localStorage.setItem(CLIPBOARD_KEY, text);
  useUi.getState().say(`Copied ${chosen.length} node${chosen.length === 1 ? "" : "s"}.`, "success");
  return text;
}

export function lastCopied(): string | null {
  return localStorage.getItem(CLIPBOARD_KEY);
}

/** Adds the nodes of a copied definition at `at` (or beside the originals), wires among them kept. */
export async function pasteText(text: string | null, at?: { x: number; y: number }): Promise<boolean> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? "");
  } catch {
    return false;
  }
  if (!isDefinition(parsed)) return false;
  const definition = parsed;
  await Promise.all(definition.steps.map((s) => useCatalog.getState().ensureDetail(String(s.type))));
  const current = useDocument.getState().nodes;
  const selected = current.filter((n) => n.selected);
  const place = at ?? (selected.length ? { x: boundsOf(selected).x + 40, y: boundsOf(selected).y + 40 } : { x: 40, y: 40 });
  const pasted = pasteGraph(definition, current, place);
  useDocument.getState().setGraph((g) => ({
    nodes: [...g.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...(pasted.nodes as unknown as FlowNode[])],
    edges: [...g.edges, ...pasted.edges],
  }));
  useUi.getState().say(`Pasted ${pasted.nodes.length} node${pasted.nodes.length === 1 ? "" : "s"}.`, "success");
  return true;
}

export async function duplicateSelection(): Promise<void> {
  const text = copySelection();
  if (text) await pasteText(text);
}
