// Where a new node goes: where it was asked for, or the nearest spot below that covers no other node.

import type { Node } from "@xyflow/react";

export const DEFAULT_SIZE = { width: 240, height: 150 };
const GAP = 24;
// A node grows once validation lists its problems on it: leave room for a few lines of them.
const ROOM_FOR_MESSAGES = 60;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function boxOf(node: Node): Box {
  return {
    x: node.position.x,
    y: node.position.y,
    width: node.measured?.width ?? node.width ?? DEFAULT_SIZE.width,
    height: (node.measured?.height ?? node.height ?? DEFAULT_SIZE.height) + ROOM_FOR_MESSAGES,
  };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;
}

/** The first place at or below `at` where a box of `size` overlaps none of `nodes`. */
export function freeSpot(at: { x: number; y: number }, size: { width: number; height: number }, nodes: Node[]): { x: number; y: number } {
  const boxes = nodes.map(boxOf);
  const spot = { ...at };
  for (let tries = 0; tries < 1000; tries += 1) {
    const hit = boxes.find((b) => overlaps({ ...spot, ...size }, b));
    if (!hit) return spot;
    spot.y = hit.y + hit.height + GAP;
  }
  return spot;
}

/** The box around some nodes. */
export function boundsOf(nodes: Node[]): Box {
  const boxes = nodes.map(boxOf);
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return {
    x,
    y,
    width: Math.max(...boxes.map((b) => b.x + b.width)) - x,
    height: Math.max(...boxes.map((b) => b.y + b.height)) - y,
  };
}
