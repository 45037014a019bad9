// The right-click menu's subflow entries: group the selected steps, ungroup or open a subflow.

import type { ReactNode } from "react";

import { groupSelection, openSubflow, ungroupSelection } from "../actions/subflows";
import { INNER_WORKFLOW } from "../subflows";
import { useDocument } from "../store/document";

export function SubflowMenuItems({
  target,
  item,
}: {
  target: { node: string; nodes: string[] };
  item: (label: string, action: () => void) => ReactNode;
}) {
  const nodes = useDocument.getState().nodes;
  const steps = nodes.filter((n) => target.nodes.includes(n.id) && n.data.kind === "block");
  const clicked = nodes.find((n) => n.id === target.node);
  const subflow = clicked?.data.kind === "block" && clicked.data.typeIdentifier === INNER_WORKFLOW;
  return (
    <>
      {steps.length > 0 && item("Group into subflow", () => void groupSelection())}
      {subflow && item("Ungroup", () => void ungroupSelection())}
      {subflow && item("Open subflow", () => void openSubflow(target.node))}
    </>
  );
}
