// A node's own validation errors and warnings. Shallow-compared lists of the validator's issue objects:
// a node re-renders only when its own issues change.

import { useShallow } from "zustand/react/shallow";

import type { Issue } from "../api";
import { nodeForPointer, type GraphNode } from "../graph";
import { useDocument } from "../store/document";
import { useUi } from "../store/ui";

function mine(nodeId: string): (issue: Issue) => boolean {
  const nodes = useDocument.getState().nodes as unknown as GraphNode[];
  return (issue) => nodeForPointer(issue.pointer, nodes)?.nodeId === nodeId;
}

export function useNodeIssues(nodeId: string): { errors: Issue[]; warnings: Issue[] } {
  const errors = useUi(useShallow((s) => s.validation.errors.filter(mine(nodeId))));
  const warnings = useUi(useShallow((s) => s.validation.warnings.filter(mine(nodeId))));
  return { errors, warnings };
}
