// Whether a run of the open workflow is under way: its steps show the running state meanwhile.

import { create } from "zustand";

export const useRunning = create<{ running: boolean }>()(() => ({ running: false }));
