// The open document: its graph (nodes and wires), its name and saved identity, with undo/redo.
// One zustand store; zundo keeps the history of the graph only (selection and sizes are left out).

import { applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type Node, type NodeChange } from "@xyflow/react";
import { temporal } from "zundo";
import { create } from "zustand";

import {
  definitionToGraph,
  graphToDefinition,
  nodeKey,
  placeSaved,
  renameInSelectors,
  uniqueName,
  type Definition,
  type GraphEdge,
  type GraphNode,
  type NodeData,
  type Positions,
} from "../graph";

export type FlowNode = Node<NodeData>;
export type FlowEdge = Edge;

export interface DocumentMeta {
  id: number | null;
  name: string;
  revision: number | null;
}

interface Graph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** The definition's own fields besides its three lists (`version`, ...), kept as imported. */
  extras?: Record<string, unknown>;
}

export interface DocumentState extends Graph {
  meta: DocumentMeta;
  /** What was last opened or saved; the document is dirty while its signature differs. */
  savedSignature: string;
  /** Bumped whenever another document replaces this one: panels keyed by it start afresh. */
  generation: number;
  /** Set when loaded nodes have no saved place yet: the canvas lays them out once measured. */
  needsLayout: boolean;
  /** Auto layouts finished so far (the benchmark waits on it through the canvas' data attribute). */
  layouts: number;
  /** What the document would save, as text: kept up to date after every change of the graph or name. */
  signature: string;
  /** The graph and name `signature` was computed from. */
  signedFrom: { nodes: FlowNode[]; edges: FlowEdge[]; name: string };
  /** The field last typed into and when: typing into one field makes one undo step. */
  coalescing: { key: string; at: number } | null;
  /** The graph before the drag (or other multi-change gesture) under way: it becomes one undo step. */
  gestureStart: Tracked | null;
  beginGesture: () => void;
  endGesture: () => void;
  replace: (graph: Graph, meta: DocumentMeta, options: { saved: boolean; needsLayout: boolean }) => void;
  markSaved: (meta: DocumentMeta) => void;
  rename: (name: string) => void;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  setGraph: (update: (graph: Graph) => Graph) => void;
  updateData: (id: string, update: (data: NodeData) => NodeData, coalesceKey?: string) => void;
  renameNode: (id: string, name: string) => string | null;
  setPositions: (positions: Record<string, { x: number; y: number }>) => void;
  layoutDone: () => void;
}

export const HISTORY_DEPTH = 200;

type Tracked = Graph;

const strip = (state: DocumentState): Tracked => ({
  nodes: state.nodes.map(({ selected: _s, dragging: _d, ...node }) => node as FlowNode),
  edges: state.edges.map(({ selected: _s, ...edge }) => edge as FlowEdge),
});

/** Same graph, ignoring selection, sizes and drag flags. */
function sameGraph(a: Tracked, b: Tracked): boolean {
  if (a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  const nodesSame = a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return n.id === m.id && n.data === m.data && n.position.x === m.position.x && n.position.y === m.position.y;
  });
  return (
    nodesSame &&
    a.edges.every((e, i) => {
      const f = b.edges[i];
      return (
        e.id === f.id &&
        e.source === f.source &&
        e.target === f.target &&
        e.sourceHandle === f.sourceHandle &&
        e.targetHandle === f.targetHandle
      );
    })
  );
}

export function definitionOf(state: Graph): Definition {
  return graphToDefinition(state.nodes as unknown as GraphNode[], state.edges as unknown as GraphEdge[], state.extras);
}

export function layoutOf(state: Graph): Positions {
  return Object.fromEntries(state.nodes.map((n) => [nodeKey(n.data), { x: Math.round(n.position.x), y: Math.round(n.position.y) }]));
}

/** What the document would save, as text. */
export function signatureOf(state: Graph & { meta: DocumentMeta }): string {
  return JSON.stringify([state.meta.name, definitionOf(state), layoutOf(state)]);
}

export const EMPTY_META: DocumentMeta = { id: null, name: "Untitled workflow", revision: null };

const EMPTY_SIGNATURE = signatureOf({ nodes: [], edges: [], meta: EMPTY_META });

export const useDocument = create<DocumentState>()(
  temporal(
    (set, get) => ({
      nodes: [],
      edges: [],
      extras: {},
      meta: EMPTY_META,
      savedSignature: EMPTY_SIGNATURE,
      generation: 0,
      needsLayout: false,
      layouts: 0,
      signature: EMPTY_SIGNATURE,
      signedFrom: { nodes: [], edges: [], name: EMPTY_META.name },
      coalescing: null,
      gestureStart: null,
      replace: (graph, meta, { saved, needsLayout }) => {
        const next = { ...graph, extras: graph.extras ?? {}, meta };
        const signature = signatureOf(next);
        const signedFrom = { nodes: graph.nodes, edges: graph.edges, name: meta.name };
        set({
          ...next,
          signature,
          signedFrom,
          savedSignature: saved ? signature : "",
          generation: get().generation + 1,
          needsLayout,
        });
        useDocument.temporal.getState().clear();
      },
      markSaved: (meta) => set((s) => ({ meta, savedSignature: signatureOf({ ...s, meta }) })),
      rename: (name) => set((s) => ({ meta: { ...s.meta, name } })),
      onNodesChange: (changes) => {
        const removed = new Set(changes.filter((c) => c.type === "remove").map((c) => c.id));
        set((s) => ({
          nodes: applyNodeChanges(changes, s.nodes),
          edges: removed.size ? s.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : s.edges,
        }));
      },
      onEdgesChange: (changes) => set((s) => ({ edges: applyEdgeChanges(changes, s.edges) })),
      setGraph: (update) => set((s) => update({ nodes: s.nodes, edges: s.edges })),
      updateData: (id, update, coalesceKey) => {
        // Typing into one field makes one undo step, not one per keystroke.
        const now = Date.now();
        const last = get().coalescing;
        const coalesce = coalesceKey !== undefined && last?.key === coalesceKey && now - last.at < 1500;
        const history = useDocument.temporal.getState();
        if (coalesce) history.pause();
        set((s) => ({
          nodes: s.nodes.map((n) => (n.id === id ? { ...n, data: update(n.data) } : n)),
          coalescing: coalesceKey === undefined ? null : { key: coalesceKey, at: now },
        }));
        if (coalesce) history.resume();
      },
      renameNode: (id, wanted) => {
        const state = get();
        const node = state.nodes.find((n) => n.id === id);
        if (!node) return null;
        const from = node.data.name;
        const taken = state.nodes.filter((n) => n.id !== id && n.data.kind === node.data.kind).map((n) => n.data.name);
        const name = uniqueName(wanted, taken);
        if (name === from) return name;
        const section = node.data.kind === "input" ? "inputs" : node.data.kind === "block" ? "steps" : null;
        set((s) => ({
          nodes: s.nodes.map((n) => {
            if (n.id === id) return { ...n, ariaLabel: name, data: { ...n.data, name } };
            // Selectors inside literals (lists, dicts) name the node too: they follow the rename.
            if (section && n.data.kind === "block") {
              const literals = renameInSelectors(n.data.literals, section, from, name) as Record<string, unknown>;
              if (JSON.stringify(literals) !== JSON.stringify(n.data.literals)) return { ...n, data: { ...n.data, literals } };
            }
            return n;
          }),
        }));
        return name;
      },
      setPositions: (positions) => set((s) => ({ nodes: s.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)) })),
      layoutDone: () => set({ needsLayout: false }),
      beginGesture: () => {
        set({ gestureStart: strip(get()) });
        useDocument.temporal.getState().pause();
      },
      endGesture: () => {
        const history = useDocument.temporal.getState();
        history.resume();
        const start = get().gestureStart;
        set({ gestureStart: null });
        if (!start || sameGraph(start, strip(get()))) return;
        useDocument.temporal.setState((t) => ({ pastStates: [...t.pastStates, start].slice(-HISTORY_DEPTH), futureStates: [] }));
      },
    }),
    {
      limit: HISTORY_DEPTH,
      partialize: strip,
      equality: sameGraph,
    },
  ),
);

// The signature follows every change of the graph or the name, whoever made it (actions, React Flow,
// undo and redo): computed once per change, however many components ask whether the document is dirty.
useDocument.subscribe((s) => {
  const from = s.signedFrom;
  if (from.nodes === s.nodes && from.edges === s.edges && from.name === s.meta.name) return;
  useDocument.setState({ signature: signatureOf(s), signedFrom: { nodes: s.nodes, edges: s.edges, name: s.meta.name } });
});

/** Nodes and wires for a definition, with saved positions where there are some. */
export function graphFor(definition: Definition, positions: Positions): Graph & { complete: boolean } {
  const graph = definitionToGraph(definition);
  const placed = placeSaved(graph.nodes, positions);
  const nodes = placed.nodes.map((n) => ({ ...n, ariaLabel: n.data.name })) as unknown as FlowNode[];
  return { nodes, edges: graph.edges, extras: graph.extras, complete: placed.complete };
}

export const isDirty = (s: DocumentState) => s.signature !== s.savedSignature;
