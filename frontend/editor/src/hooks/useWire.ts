// The wire being drawn, read from React Flow's own connection state: the kinds it carries and whether
// it comes from a step, so the handles that would take it light up.

import { useConnection } from "@xyflow/react";
import { useMemo } from "react";

import { producedKinds } from "../actions/editing";
import { useDocument } from "../store/document";

export interface WireKinds {
  kinds: string[];
  fromStep: boolean;
}

export function useWireKinds(): WireKinds | null {
  // A string, so a node re-renders when a wire starts or ends, not on every move of the pointer.
  const from = useConnection((c) =>
    c.inProgress && c.fromHandle.type === "source" ? `${c.fromHandle.nodeId}\n${c.fromHandle.id ?? ""}` : "",
  );
  return useMemo(() => {
    if (!from) return null;
    const [nodeId, handle] = from.split("\n");
    const node = useDocument.getState().nodes.find((n) => n.id === nodeId);
    return { kinds: producedKinds(node, handle || null), fromStep: node?.data.kind === "block" };
  }, [from]);
}
