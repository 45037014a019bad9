// What the server knows: the blocks (slim list, details on demand), the kinds and their rule, the
// connection graph for the quick-add search, and the local models.

import { create } from "zustand";

import { api, ApiError, type BlockDetail, type BlockSummary } from "../api";
import { kindTable, type KindTable } from "../kinds";
import { setSelectorGrammar } from "../graph";
import { keys, queryClient, reason } from "../server/client";

type Connections = Awaited<ReturnType<typeof api.connections>>;

interface CatalogState {
  blocks: BlockSummary[];
  details: Record<string, BlockDetail>;
  /** Block types whose details could not be had, with the reason (unknown here, or the server failed). */
  unavailable: Record<string, { reason: string; unknown: boolean }>;
  kinds: KindTable;
  connections: Connections | null;
  models: string[];
  loaded: boolean;
  load: () => Promise<void>;
  ensureDetail: (typeIdentifier: string) => Promise<BlockDetail | undefined>;
  ensureConnections: () => Promise<Connections>;
}

export const useCatalog = create<CatalogState>()((set, get) => ({
  blocks: [],
  details: {},
  unavailable: {},
  kinds: {},
  connections: null,
  models: [],
  loaded: false,
  load: async () => {
    const [blocks, kinds] = await Promise.all([api.blocks(), api.kinds()]);
    set({ blocks: blocks.results, kinds: kindTable(kinds.results), loaded: true });
    api.models().then(
      (m) => set({ models: m.results.map((r) => r.model_id) }),
      () => undefined,
    );
  },
  // The query client shares one request among concurrent callers and retries failures of the
  // network or the server; a type the server does not know (404) is final. A later call tries again.
  ensureDetail: async (typeIdentifier) => {
    const known = get().details[typeIdentifier];
    if (known) return known;
    try {
      const detail = await queryClient.fetchQuery({
        queryKey: keys.block(typeIdentifier),
        queryFn: () => api.block(typeIdentifier),
        staleTime: Infinity,
      });
      set((s) => {
        const { [typeIdentifier]: _, ...unavailable } = s.unavailable;
        return { details: { ...s.details, [typeIdentifier]: detail }, unavailable };
      });
      return detail;
    } catch (e) {
      const unknown = e instanceof ApiError && e.status === 404;
      set((s) => ({ unavailable: { ...s.unavailable, [typeIdentifier]: { reason: reason(e), unknown } } }));
      return undefined;
    }
  },
  ensureConnections: async () => {
    const known = get().connections;
    if (known) return known;
    const connections = await api.connections();
    // The server's selector grammar (blocks/selectors.py) replaces the built-in copy of it.
    if (connections.selectors) setSelectorGrammar(connections.selectors);
    set({ connections });
    return connections;
  },
}));
