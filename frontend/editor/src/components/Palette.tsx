// The block palette: a search box and the blocks by category, each family's default version marked;
// once a catalog is imported (some blocks cannot run here) it shows only the ones that run, unless
// the person asks for all.

import { memo, useDeferredValue, useMemo, useState } from "react";

import { CategoryIcon } from "./icons";

import type { BlockSummary } from "../api";
import { addBlock } from "../actions/editing";
import { search } from "../search";
import { useCatalog } from "../store/catalog";

const Item = memo(function Item({ block }: { block: BlockSummary }) {
  return (
    <div
      className="palette-item"
      draggable
      data-testid={`palette-item-${block.type_identifier}`}
      onDragStart={(e) => e.dataTransfer.setData("application/blockwise", block.type_identifier)}
      onDoubleClick={() => void addBlock(block, { x: 300, y: 80 })}
      title={block.short_description}
    >
      <CategoryIcon category={block.category} />
      <span className="name">{block.human_name}</span> <small>{block.version}</small>
      {block.is_default && <span className="badge default">default</span>}
      {block.state === "deprecated" && (
        <span className="badge deprecated" title={block.deprecation_message}>
          deprecated{block.replacement ? ` → ${block.replacement}` : ""}
        </span>
      )}
      {!block.executable && <span className="badge remote">cannot run here</span>}
    </div>
  );
});

export function Palette() {
  const blocks = useCatalog((s) => s.blocks);
  const [query, setQuery] = useState("");
  const others = useMemo(() => blocks.filter((b) => !b.executable).length, [blocks]);
  // Null until the person chooses: then on by default whenever some blocks cannot run here.
  const [choice, setChoice] = useState<boolean | null>(null);
  const runnableOnly = choice ?? others > 0;
  const deferred = useDeferredValue(query);
  const groups = useMemo(() => {
    const byCategory = new Map<string, BlockSummary[]>();
    const shown = runnableOnly ? blocks.filter((b) => b.executable) : blocks;
    for (const b of search(shown, deferred)) byCategory.set(b.category || "other", [...(byCategory.get(b.category || "other") ?? []), b]);
    return [...byCategory.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [blocks, deferred, runnableOnly]);
  const count = groups.reduce((n, [, items]) => n + items.length, 0);
  return (
    <aside className="palette" data-testid="palette" aria-label="Blocks">
      <input
        type="search"
        aria-label="Search blocks"
        data-testid="palette-search"
        placeholder="Search blocks"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <label className="inline runnable-filter">
        <input type="checkbox" checked={runnableOnly} onChange={(e) => setChoice(e.target.checked)} />
        Only blocks that run here
      </label>
      {others > 0 && (
        <small className="hint" data-testid="palette-others">
          {runnableOnly ? `${others} others hidden` : `${others} cannot run here`}
        </small>
      )}
      <div data-testid="palette-count">
        <small>{count} blocks</small>
      </div>
      {groups.map(([category, items]) => (
        <section key={category}>
          <h4>
            <CategoryIcon category={category} /> {category.replace(/_/g, " ")}
          </h4>
          {items.map((b) => (
            <Item key={b.type_identifier} block={b} />
          ))}
        </section>
      ))}
    </aside>
  );
}
