// Switching one step to another version of its block: the registry's plan applies the version's
// migration (renames, set values); what the new version does not have is then dropped, with its wire.
// The step keeps its place, its name and the wires that still fit, changes in one undoable step, and
// the person is told what changed.

import { api, type BlockDetail, type UpgradePlan } from "./api";
import { definitionToGraph, FLOW_IN, type Definition, type GraphEdge } from "./graph";
import { useCatalog } from "./store/catalog";
import { definitionOf, useDocument, type FlowEdge } from "./store/document";

type Migration = { op: string; property?: string; value?: unknown; from?: string; to?: string };

/** The step without the fields `allowed` lacks; returns what was dropped. */
export function pruneStep(step: Record<string, unknown>, allowed: Set<string>): { step: Record<string, unknown>; dropped: string[] } {
  const dropped = Object.keys(step).filter((k) => k !== "type" && k !== "name" && !allowed.has(k));
  return { step: Object.fromEntries(Object.entries(step).filter(([k]) => !dropped.includes(k))), dropped };
}

export function describeMigration(migrations: Migration[]): string[] {
  return migrations.map((m) =>
    m.op === "rename"
      ? `renamed ${m.from} to ${m.to}`
      : m.op === "set"
        ? `set ${m.property} to ${JSON.stringify(m.value)}`
        : `${m.op} ${m.property ?? ""}`.trim(),
  );
}

/** What a switch did, in sentences: the fields added and removed, the migration, what was dropped. */
export function describeSwitch(
  from: BlockDetail,
  to: BlockDetail,
  migrations: Migration[],
  dropped: Array<{ name: string; value: unknown }>,
): string {
  const before = new Set(from.properties.map((p) => p.name));
  const after = new Set(to.properties.map((p) => p.name));
  const added = [...after].filter((p) => !before.has(p));
  const removed = [...before].filter((p) => !after.has(p));
  const parts = [added.length ? `adds ${added.join(", ")}` : "", removed.length ? `removes ${removed.join(", ")}` : ""].filter(Boolean);
  const sentences = [`${to.version} ${parts.length ? parts.join("; ") : "has the same fields"} (from ${from.version}).`];
  const migrated = describeMigration(migrations);
  if (migrated.length) sentences.push(`Migration: ${migrated.join("; ")}.`);
  if (dropped.length) {
    const what = dropped.map((d) =>
      typeof d.value === "string" && d.value.startsWith("$")
        ? `${d.name} (its wire from ${d.value})`
        : `${d.name} (${JSON.stringify(d.value)})`,
    );
    sentences.push(`Dropped ${what.join(", ")}.`);
  }
  return sentences.join(" ");
}

const sameEdge = (a: FlowEdge, b: FlowEdge) =>
  a.source === b.source && a.target === b.target && a.sourceHandle === b.sourceHandle && a.targetHandle === b.targetHandle;

/** Switches the step named `name` to `to`; returns what changed, in words. */
export async function switchVersion(name: string, to: string): Promise<string> {
  const state = useDocument.getState();
  const node = state.nodes.find((n) => n.data.kind === "block" && n.data.name === name);
  if (!node || node.data.kind !== "block") return "";
  const catalog = useCatalog.getState();
  const [from, target] = await Promise.all([catalog.ensureDetail(node.data.typeIdentifier), catalog.ensureDetail(to)]);
  if (!from || !target) return `Could not load ${to}.`;
  const plan: UpgradePlan = await api.upgradePreview(definitionOf(state), { [name]: to });
  const definition = plan.specification as Definition;
  const index = definition.steps.findIndex((s) => s.name === name);
  const original = definition.steps[index];
  const pruned = pruneStep(original, new Set(target.properties.map((p) => p.name)));
  definition.steps[index] = pruned.step;
  const dropped = pruned.dropped.map((field) => ({ name: field, value: original[field] }));
  // The new step's data and wires, read as the canvas reads any definition, then given the ids the
  // open document already uses for the same inputs and steps.
  const graph = definitionToGraph(definition);
  const ids = new Map(
    graph.nodes.map((n) => [
      n.id,
      useDocument.getState().nodes.find((m) => m.data.kind === n.data.kind && m.data.name === n.data.name)?.id ?? n.id,
    ]),
  );
  const fresh = graph.nodes.find((n) => n.data.kind === "block" && n.data.name === name)!;
  const touches = (e: GraphEdge) => e.target === fresh.id || (e.source === fresh.id && e.targetHandle === FLOW_IN);
  const wires: FlowEdge[] = graph.edges.filter(touches).map((e) => {
    const source = ids.get(e.source) ?? e.source;
    const targetId = ids.get(e.target) ?? e.target;
    return { ...e, id: `${source}/${e.sourceHandle}->${targetId}/${e.targetHandle}`, source, target: targetId };
  });
  useDocument.getState().setGraph((g) => {
    const kept = g.edges.filter((e) => !(e.target === node.id || (e.source === node.id && e.targetHandle === FLOW_IN)));
    return {
      nodes: g.nodes.map((n) => (n.id === node.id ? { ...n, data: { ...fresh.data } } : n)),
      edges: [...kept, ...wires.map((w) => g.edges.find((e) => sameEdge(e, w)) ?? w)],
    };
  });
  const migrations = ((plan.steps[0] as { migrations?: unknown } | undefined)?.migrations ?? []) as Migration[];
  return describeSwitch(from, target, migrations, dropped);
}
