// The canvas' node types: inner workflow steps show their child's ports instead of a block's own.

import { createElement, memo } from "react";
import type { NodeProps } from "@xyflow/react";

import { INNER_WORKFLOW } from "../subflows";
import type { FlowNode } from "../store/document";
import { BlockNode, nodeTypes as plain } from "./nodes";
import { SubflowNode } from "./SubflowNode";

const StepNode = memo(function StepNode(props: NodeProps<FlowNode>) {
  const subflow = props.data.kind === "block" && props.data.typeIdentifier === INNER_WORKFLOW;
  return createElement(subflow ? SubflowNode : BlockNode, props);
});

export const nodeTypes = { ...plain, block: StepNode };
