// The trail of parents while a subflow's child is open. An inline child is edited in place: going
// back writes it into the parent's step (one undo step there). A child by reference is the saved
// workflow itself, opened as any other; going back restores the parent as it was left.

import { create } from "zustand";

import { definitionOf, useDocument, type DocumentMeta, type FlowEdge, type FlowNode } from "../store/document";
import { setAddress } from "./address";

/** A parent left to open a child: everything needed to come back to it as it was. */
interface Frame {
  label: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  extras: Record<string, unknown> | undefined;
  meta: DocumentMeta;
  savedSignature: string;
  past: unknown[];
  future: unknown[];
  /** The step whose inline child is open (written back on the way back); null for a reference. */
  inline: { nodeId: string; child: string } | null;
}

interface Trail {
  frames: Frame[];
  /** The generation of the open child; another document replacing it ends the trail. */
  generation: number | null;
}

export const useTrail = create<Trail>()(() => ({ frames: [], generation: null }));

useDocument.subscribe((s) => {
  const { frames, generation } = useTrail.getState();
  if (frames.length && generation !== null && s.generation !== generation) useTrail.setState({ frames: [], generation: null });
});

export function frameOf(label: string, inline: Frame["inline"]): Frame {
  const s = useDocument.getState();
  const history = useDocument.temporal.getState();
  return {
    label,
    nodes: s.nodes,
    edges: s.edges,
    extras: s.extras,
    meta: s.meta,
    savedSignature: s.savedSignature,
    past: history.pastStates,
    future: history.futureStates,
    inline,
  };
}

/** Back to the parent `depth` levels up (1: the one just above); an edited inline child goes into
 * its step as one change of the parent. */
export function closeSubflows(depth = 1): void {
  for (let level = 0; level < depth; level += 1) {
    const frames = useTrail.getState().frames;
    const frame = frames[frames.length - 1];
    if (!frame) return;
    const child = definitionOf(useDocument.getState());
    useTrail.setState({ frames: frames.slice(0, -1), generation: null });
    const document = useDocument.getState();
    document.replace({ nodes: frame.nodes, edges: frame.edges, extras: frame.extras }, frame.meta, { saved: false, needsLayout: false });
    useDocument.setState({ savedSignature: frame.savedSignature });
    useDocument.temporal.setState({ pastStates: frame.past as never[], futureStates: frame.future as never[] });
    if (frame.inline && JSON.stringify(child) !== frame.inline.child) {
      useDocument
        .getState()
        .updateData(frame.inline.nodeId, (d) =>
          d.kind === "block" ? { ...d, literals: { ...d.literals, workflow_definition: child } } : d,
        );
    }
    setAddress(frame.meta.id);
    useTrail.setState({ generation: frames.length > 1 ? useDocument.getState().generation : null });
  }
}

/** Leaves inline children for their parent (Save saves the workflow they belong to). */
export function leaveInlineSubflows(): void {
  const frames = useTrail.getState().frames;
  let depth = 0;
  while (depth < frames.length && frames[frames.length - 1 - depth].inline) depth += 1;
  closeSubflows(depth);
}
