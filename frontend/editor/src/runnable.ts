// Why the open workflow cannot run on this server, step by step, and what would make it run. Read from
// the catalog the server serves (each version's `executable`), never guessed.

import type { BlockSummary } from "./api";
import type { NodeData } from "./graph";

export function runBlockers(steps: NodeData[], blocks: BlockSummary[]): string[] {
  const byId = new Map<string, BlockSummary>();
  for (const block of blocks) {
    byId.set(block.type_identifier, block);
    for (const alias of block.aliases) byId.set(alias, block);
  }
  const reasons: string[] = [];
  for (const step of steps) {
    if (step.kind !== "block") continue;
    const block = byId.get(step.typeIdentifier);
    if (!block) {
      reasons.push(`${step.name} uses ${step.typeIdentifier}, which this server does not know: import its block or remove the step.`);
      continue;
    }
    if (block.executable) continue;
    const runnable = blocks.find((b) => b.family === block.family && b.executable);
    reasons.push(
      runnable
        ? `${step.name} (${block.human_name} ${block.version}) has no implementation here: switch it to ${runnable.version}, which runs here.`
        : `${step.name} (${block.human_name} ${block.version}) has no implementation here: it runs once a plugin that implements ${block.type_identifier} is installed on this server.`,
    );
  }
  return reasons;
}
