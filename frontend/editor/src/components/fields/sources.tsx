// The sources a property's reference may come from (workflow inputs and step outputs), each with
// whether the server's kinds rule lets it feed the property, and why not.

import type { PropertyInfo } from "../../api";
import { producedKinds } from "../../actions/editing";
import { acceptedFrom, fits } from "../../kinds";
import { useCatalog } from "../../store/catalog";
import type { FlowNode } from "../../store/document";

export interface Source {
  value: string;
  label: string;
  node: string;
  handle: string;
  fits: boolean;
  why: string;
}

export function sourcesFor(target: FlowNode, property: PropertyInfo, nodes: FlowNode[]): Source[] {
  const { details, kinds } = useCatalog.getState();
  const sources: Source[] = [];
  for (const node of nodes) {
    if (node.id === target.id) continue;
    const outputs =
      node.data.kind === "input"
        ? ["value"]
        : node.data.kind === "block"
          ? (details[node.data.typeIdentifier]?.outputs.map((o) => o.name) ?? [])
          : [];
    for (const handle of outputs) {
      const fromStep = node.data.kind === "block";
      const produced = producedKinds(node, handle);
      const accepted = acceptedFrom(property, fromStep);
      const label = fromStep ? `$steps.${node.data.name}.${handle}` : `$inputs.${node.data.name}`;
      const ok = fits(kinds, produced, accepted);
      const why = ok ? "" : ` (gives ${produced.join(" | ") || "nothing"}; takes ${accepted.join(" | ") || "no step outputs"})`;
      sources.push({ value: sourceValue(node.id, handle), label, node: node.id, handle, fits: ok, why });
    }
  }
  return sources;
}

export const sourceValue = (node: string, handle: string) => `${node}\n${handle}`;

/** The options of a source dropdown: the ones that do not fit are listed, disabled, with the reason. */
export function SourceOptions({ sources }: { sources: Source[] }) {
  return sources.map((s) => (
    <option key={s.value} value={s.value} disabled={!s.fits}>
      {s.label}
      {s.why}
    </option>
  ));
}
