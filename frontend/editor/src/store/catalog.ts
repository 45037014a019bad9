// What the server knows: the blocks (slim list, details on demand), the kinds and their rule, the
// connection graph for the quick-add search, and the local models.

import { create } from "zustand";

import { api, type BlockDetail, type BlockSummary } from "../api";
import { kindTable, type KindTable } from "../kinds";

type Connections = Awaited<ReturnType<typeof api.connections>>;

interface CatalogState {
  blocks: BlockSummary[];
  details: Record<string, BlockDetail>;
  kinds: KindTable;
  connections: Connections | null;
  models: string[];
  loaded: boolean;
  load: () => Promise<void>;
  ensureDetail: (typeIdentifier: string) => Promise<BlockDetail | undefined>;
  ensureConnections: () => Promise<Connections>;
}

const pending = new Map<string, Promise<BlockDetail | undefined>>();

export const useCatalog = create<CatalogState>()((set, get) => ({
  blocks: [],
  details: {},
  kinds: {},
  connections: null,
  models: [],
  loaded: false,
  load: async () => {
    const [blocks, kinds] = await Promise.all([api.blocks(), api.kinds()]);
    set({ blocks: blocks.results, kinds: kindTable(kinds.results), loaded: true });
    api.models().then((m) => set({ models: m.results.map((r) => r.model_id) }), () => undefined);
  },
  ensureDetail: (typeIdentifier) => {
    const known = get().details[typeIdentifier];
    if (known) return Promise.resolve(known);
    let request = pending.get(typeIdentifier);
    if (!request) {
      request = api.block(typeIdentifier).then(
        (detail) => {
          set((s) => ({ details: { ...s.details, [typeIdentifier]: detail } }));
          return detail;
        },
        () => undefined,
      );
      pending.set(typeIdentifier, request);
    }
    return request;
  },
  ensureConnections: async () => {
    const known = get().connections;
    if (known) return known;
    const connections = await api.connections();
    set({ connections });
    return connections;
  },
}));
