// Upgrades of steps to their family's default version: which steps may move, and the move itself.

import { api, type BlockDetail, type UpgradePlan } from "./api";
import type { Definition } from "./graph";
import { useCatalog } from "./store/catalog";
import { definitionOf, graphFor, layoutOf, useDocument } from "./store/document";

const number = (version: string) => Number(/\d+/.exec(version)?.[0] ?? 0);

/** The family's default version when it is newer than this one; null otherwise. */
export function newerDefault(detail: BlockDetail): BlockDetail["versions"][number] | null {
  const target = detail.versions.find((v) => v.is_default);
  return target && number(target.version) > number(detail.version) ? target : null;
}

/** The server's plan for moving one step of the open document (saved or not) to `to`. */
export function previewUpgrade(step: string, to: string): Promise<UpgradePlan> {
  return api.upgradePreview(definitionOf(useDocument.getState()), { [step]: to });
}

/** The upgraded definition replaces the graph in one change, so one undo brings the old one back;
 * nodes keep their places. */
export async function applyUpgrade(plan: UpgradePlan): Promise<void> {
  const definition = plan.specification as Definition;
  await Promise.all([...new Set(definition.steps.map((s) => String(s.type)))].map((t) => useCatalog.getState().ensureDetail(t)));
  const state = useDocument.getState();
  const graph = graphFor(definition, layoutOf(state));
  state.setGraph(() => ({ nodes: graph.nodes, edges: graph.edges }));
}
