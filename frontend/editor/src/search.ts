// Block search for the palette and the quick-add: every word must match the start of a word in the
// block's name, identifier, aliases or keywords; a word's ending is forgiven, so "classifier" finds
// "classification".

import type { BlockSummary } from "./api";

const ENDINGS = ["ications", "ication", "ations", "ation", "ers", "ing", "ion", "er", "es", "s"];

function stem(word: string): string {
  for (const ending of ENDINGS) if (word.length - ending.length >= 4 && word.endsWith(ending)) return word.slice(0, -ending.length);
  return word;
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const cache = new WeakMap<BlockSummary, string[]>();

function indexOf(block: BlockSummary): string[] {
  let words = cache.get(block);
  if (!words) {
    words = wordsOf(
      `${block.human_name} ${block.type_identifier} ${block.aliases.join(" ")} ${block.search_keywords.join(" ")} ${block.category}`,
    );
    cache.set(block, words);
  }
  return words;
}

export function matches(block: BlockSummary, query: string): boolean {
  const wanted = wordsOf(query);
  if (wanted.length === 0) return true;
  const words = indexOf(block);
  return wanted.every((w) => {
    const root = stem(w);
    return words.some((word) => word.startsWith(w) || word.startsWith(root));
  });
}

export const listed = (block: BlockSummary) => block.state === "published" || block.state === "deprecated";

export function search(blocks: BlockSummary[], query: string): BlockSummary[] {
  return blocks.filter((b) => listed(b) && matches(b, query));
}
