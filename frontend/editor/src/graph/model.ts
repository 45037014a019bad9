// The canvas graph's shape: node and edge data, the definition it stands for, node ids and handles.

export type Literal = unknown;

export interface InputNodeData {
  kind: "input";
  name: string;
  inputType: "WorkflowImage" | "WorkflowParameter";
  defaultValue?: Literal;
  /** A parameter's declared kinds (Roboflow's `kind` list); none means any value. */
  kinds?: string[];
  /** The imported record's other fields (and its own spelling of `type` and `kind`), kept as they were. */
  extra?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface BlockNodeData {
  kind: "block";
  name: string;
  typeIdentifier: string;
  literals: Record<string, Literal>;
  [key: string]: unknown;
}

export interface OutputNodeData {
  kind: "output";
  name: string;
  coordinatesSystem?: "own" | "parent";
  /** The imported record's other fields (a selector that names nothing here included), kept as they were. */
  extra?: Record<string, unknown>;
  [key: string]: unknown;
}

export type NodeData = InputNodeData | BlockNodeData | OutputNodeData;

export interface GraphNode {
  id: string;
  type: "workflowInput" | "block" | "workflowOutput";
  position: { x: number; y: number };
  data: NodeData;
}

export interface GraphEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface Definition {
  version: string;
  inputs: Array<Record<string, unknown>>;
  steps: Array<Record<string, unknown>>;
  outputs: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export type Positions = Record<string, { x: number; y: number }>;

export const VALUE_HANDLE = "value";
/** The handle on every step that a flow-control step's list of steps (`next_steps`) wires into. */
export const FLOW_IN = "__flow";

export const inputId = (name: string) => `input:${name}`;
export const stepId = (name: string) => `step:${name}`;
export const outputId = (name: string) => `output:${name}`;
export const edgeId = (source: string, sourceHandle: string, target: string, targetHandle: string) =>
  `${source}/${sourceHandle}->${target}/${targetHandle}`;
