// Subflows in the open document: group the selected steps into one, ungroup one back (each one undo
// step), and open a subflow's child (an inline one in place, one by reference as the saved workflow
// it is) with a trail back to the parent (./trail.ts).

import { create } from "zustand";

import { api } from "../api";
import { definitionToGraph, type Definition, type Positions } from "../graph";
import { outputKinds } from "../kinds";
import { childPorts, groupSteps, inlineChild, INNER_WORKFLOW, ungroupStep, type KindsOf } from "../subflows";
import { useCatalog } from "../store/catalog";
import { definitionOf, graphFor, layoutOf, useDocument, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { openWorkflow } from "./documents";
import { frameOf, useTrail } from "./trail";

export const kindsOf: KindsOf = (step, output) => outputKinds(useCatalog.getState().details[String(step.type)], output);

const say = (text: string, level: "error" | "success" | "info" = "info") => useUi.getState().say(text, level);

/** A saved workflow a subflow step names, or null for an inline child. */
export function reference(literals: Record<string, unknown>): { id: number; version: number | null } | null {
  const id = Number(literals.workflow_id);
  if (!literals.workflow_id || !Number.isInteger(id) || literals.workflow_definition) return null;
  const version = Number(literals.workflow_version_id);
  return { id, version: literals.workflow_version_id && Number.isInteger(version) ? version : null };
}

/** Children by reference, fetched once per workflow and revision (`null`: the current one). */
interface Children {
  known: Record<string, { definition: Definition; revision: number; name: string } | "missing">;
  fetch: (id: number, version: number | null) => Promise<void>;
}

export const childKey = (id: number, version: number | null) => `${id}@${version ?? "current"}`;

export const useChildren = create<Children>()((set, get) => ({
  known: {},
  fetch: async (id, version) => {
    const key = childKey(id, version);
    if (get().known[key]) return;
    try {
      const found =
        version === null
          ? await api.workflow(id).then((w) => ({ definition: w.specification as Definition, revision: w.revision, name: w.name }))
          : await api
              .revision(id, version)
              .then((r) => ({ definition: r.specification as Definition, revision: r.number, name: `#${id}` }));
      await Promise.all(found.definition.steps.map((s) => useCatalog.getState().ensureDetail(String(s.type))));
      set((s) => ({ known: { ...s.known, [key]: found } }));
    } catch {
      set((s) => ({ known: { ...s.known, [key]: "missing" } }));
    }
  },
}));

/** The child of a subflow node, inline or fetched; null while unknown or for other nodes. */
export function childOf(data: FlowNode["data"], known = useChildren.getState().known): Definition | null {
  if (data.kind !== "block" || data.typeIdentifier !== INNER_WORKFLOW) return null;
  const inline = inlineChild({ type: INNER_WORKFLOW, ...data.literals });
  if (inline) return inline;
  const ref = reference(data.literals);
  const found = ref ? known[childKey(ref.id, ref.version)] : undefined;
  return found && found !== "missing" ? found.definition : null;
}

/** The kinds a subflow node's output gives (its child's output), or null for other nodes. */
export function subflowOutputKinds(node: FlowNode, handle: string): string[] | null {
  const child = childOf(node.data);
  return child ? (childPorts(child, kindsOf).outputs.find((o) => o.name === handle)?.kinds ?? []) : null;
}

async function loadDetails(definition: Definition): Promise<void> {
  const types = new Set(definition.steps.map((s) => String(s.type)));
  for (const step of definition.steps) for (const inner of inlineChild(step)?.steps ?? []) types.add(String(inner.type));
  await Promise.all([...types].map((t) => useCatalog.getState().ensureDetail(t)));
}

/** The graph replaced by a definition in one change (one undo step), `selected` steps selected. */
function replaceGraph(definition: Definition, positions: Positions, selected: string[]): void {
  const graph = graphFor(definition, positions);
  const nodes = graph.nodes.map((n) => (n.data.kind === "block" && selected.includes(n.data.name) ? { ...n, selected: true } : n));
  useDocument.getState().setGraph(() => ({ nodes, edges: graph.edges }));
}

export async function groupSelection(): Promise<void> {
  const state = useDocument.getState();
  const chosen = state.nodes.filter((n) => n.selected && n.data.kind === "block");
  const result = groupSteps(
    definitionOf(state),
    chosen.map((n) => n.data.name),
    kindsOf,
  );
  if ("error" in result) return say(result.error, "error");
  await useCatalog.getState().ensureDetail(INNER_WORKFLOW);
  const positions = layoutOf(useDocument.getState());
  const x = chosen.reduce((sum, n) => sum + n.position.x, 0) / chosen.length;
  const y = chosen.reduce((sum, n) => sum + n.position.y, 0) / chosen.length;
  positions[`steps/${result.group}`] = { x: Math.round(x), y: Math.round(y) };
  replaceGraph(result.definition, positions, [result.group]);
  say(`Grouped ${chosen.length} step${chosen.length === 1 ? "" : "s"} into the subflow ${result.group}.`, "success");
}

export async function ungroupSelection(): Promise<void> {
  const state = useDocument.getState();
  const node = state.nodes.find((n) => n.selected && n.data.kind === "block" && n.data.typeIdentifier === INNER_WORKFLOW);
  if (!node) return say("Select a subflow to ungroup.", "error");
  const result = ungroupStep(definitionOf(state), node.data.name);
  if ("error" in result) return say(result.error, "error");
  await loadDetails(result.definition);
  // The child's steps are laid out where the subflow was, in the columns their wires give.
  const child = inlineChild(definitionOf(state).steps.find((s) => s.name === node.data.name))!;
  const placed = definitionToGraph(child).nodes.filter((n) => n.data.kind === "block");
  const positions = layoutOf(state);
  placed.forEach((n, i) => {
    positions[`steps/${result.steps[i]}`] = {
      x: Math.round(node.position.x + n.position.x),
      y: Math.round(node.position.y + n.position.y),
    };
  });
  replaceGraph(result.definition, positions, result.steps);
  say(`Ungrouped ${node.data.name} into ${result.steps.length} step${result.steps.length === 1 ? "" : "s"}.`, "success");
}

/** Opens the child of a subflow, or the saved workflow a published workflow block runs; other
 * nodes are left alone. */
export async function openSubflow(nodeId: string): Promise<void> {
  const node = useDocument.getState().nodes.find((n) => n.id === nodeId);
  if (!node || node.data.kind !== "block") return;
  const published = useCatalog.getState().details[node.data.typeIdentifier]?.workflow_source;
  if (node.data.typeIdentifier !== INNER_WORKFLOW && !published) return;
  const step = node.data.name;
  const parentName = useDocument.getState().meta.name;
  const child = inlineChild({ type: INNER_WORKFLOW, ...node.data.literals });
  const ref = published ? { id: published.workflow_id, version: published.revision } : reference(node.data.literals);
  if (child) {
    await loadDetails(child);
    const frame = frameOf(parentName, { nodeId, child: JSON.stringify(child) });
    useTrail.setState((t) => ({ frames: [...t.frames, frame], generation: null }));
    const graph = graphFor(child, {});
    const meta = { id: null, name: step, revision: null };
    useDocument.getState().replace(graph, meta, { saved: true, needsLayout: true });
    useTrail.setState({ generation: useDocument.getState().generation });
    say(`Editing the subflow ${step} in place; the trail above the canvas leads back to ${parentName}.`);
  } else if (ref) {
    const frame = frameOf(parentName, null);
    useTrail.setState((t) => ({ frames: [...t.frames, frame], generation: null }));
    await openWorkflow(ref.id, { ask: false });
    if (useDocument.getState().meta.id === ref.id) useTrail.setState({ generation: useDocument.getState().generation });
    else
      useTrail.setState((t) => ({
        frames: t.frames.slice(0, -1),
        generation: t.frames.length > 1 ? useDocument.getState().generation : null,
      }));
  } else say(`${step} has no child workflow to open.`, "error");
}
