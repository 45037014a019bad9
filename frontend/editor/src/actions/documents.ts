// Documents: New, Open, Import, Export, Save, Save as, restore a revision. Replacing a document with
// unsaved changes asks first; the address bar names the open saved workflow.

import { api, ApiError, type Layout } from "../api";
import { describeChanges } from "../diff";
import { isDefinition } from "../clipboard";
import type { Definition } from "../graph";
import type { Template } from "../templates";
import { keys, queryClient, reason } from "../server/client";
import { useCatalog } from "../store/catalog";
import { definitionOf, EMPTY_META, graphFor, isDirty, layoutOf, useDocument, type DocumentMeta } from "../store/document";
import { useUi } from "../store/ui";
import { setAddress } from "./address";
import { leaveInlineSubflows } from "./trail";

export { setAddress };

/** True when there is nothing unsaved to lose, or the person agrees to lose it. */
export function mayReplace(): boolean {
  return !isDirty(useDocument.getState()) || window.confirm("The open workflow has unsaved changes. Discard them?");
}

async function show(definition: Definition, layout: Layout, meta: DocumentMeta, saved: boolean): Promise<void> {
  await Promise.all([...new Set(definition.steps.map((s) => String(s.type)))].map((t) => useCatalog.getState().ensureDetail(t)));
  const graph = graphFor(definition, layout);
  useDocument
    .getState()
    .replace({ nodes: graph.nodes, edges: graph.edges, extras: graph.extras }, meta, { saved, needsLayout: !graph.complete });
  useUi.getState().setRun(null);
  useUi.getState().setValidation({ valid: null, errors: [], warnings: [] });
}

export function newDocument(options: { ask: boolean } = { ask: true }): void {
  if (options.ask && !mayReplace()) return;
  useDocument.getState().replace({ nodes: [], edges: [] }, EMPTY_META, { saved: true, needsLayout: false });
  useUi.getState().setRun(null);
  setAddress(null);
  useUi.getState().say("New workflow.", "info");
}

export async function openWorkflow(id: number, options: { ask: boolean } = { ask: true }): Promise<void> {
  if (options.ask && !mayReplace()) return;
  try {
    const workflow = await api.workflow(id);
    const definition = workflow.specification as Definition;
    await show(definition, workflow.layout ?? {}, { id: workflow.id, name: workflow.name, revision: workflow.revision }, true);
    setAddress(workflow.id);
    useUi.getState().say(`Opened "${workflow.name}" at revision ${workflow.revision}.`, "success");
  } catch (e) {
    // Someone else's private workflow and a missing one are both a 404: signed out, it may be either.
    if (e instanceof ApiError && e.status === 404 && !(await signedIn())) {
      useUi.getState().say(`Workflow ${id} is private or does not exist: sign in to open it.`, "warning");
      useUi
        .getState()
        .show({ type: "signIn", reason: `Sign in to open workflow ${id}.`, then: () => void openWorkflow(id, { ask: false }) });
      return;
    }
    useUi.getState().say(`Could not open workflow ${id}: ${reason(e)}`, "error");
  }
}

async function signedIn(): Promise<boolean> {
  try {
    return (await queryClient.fetchQuery({ queryKey: keys.me, queryFn: api.me })).authenticated;
  } catch {
    return false;
  }
}

/** A definition from a file becomes a new unsaved document; the open one is never overwritten. */
export async function importFile(file: File): Promise<void> {
  performance.mark("import-start");
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch (e) {
    useUi.getState().say(`${file.name} is not JSON: ${String(e)}`, "error");
    return;
  }
  if (!isDefinition(parsed)) {
    useUi.getState().say(`${file.name} is not a workflow definition: it has no "steps" list.`, "error");
    return;
  }
  if (!mayReplace()) return;
  const name = file.name.replace(/\.json$/i, "") || "Imported workflow";
  await show(parsed, {}, { id: null, name, revision: null }, false);
  performance.mark("import-shown");
  setAddress(null);
  useUi.getState().say(`Imported ${file.name} as a new unsaved workflow.`, "success");
}

/** A template becomes a new unsaved document. */
export async function startFrom(template: Template): Promise<void> {
  if (!mayReplace()) return;
  await show(structuredClone(template.definition), {}, { id: null, name: template.name, revision: null }, false);
  setAddress(null);
  useUi.getState().say(`Started from the template "${template.title}".`, "success");
}

export function exportJson(): void {
  const state = useDocument.getState();
  const blob = new Blob([JSON.stringify(definitionOf(state), null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${state.meta.name || "workflow"}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

export async function create(name: string): Promise<void> {
  const state = useDocument.getState();
  const created = await api.createWorkflow(name, definitionOf(state), layoutOf(state));
  useDocument.getState().markSaved({ id: created.id, name: created.name, revision: created.revision });
  setAddress(created.id);
  useUi.getState().say(`Saved "${created.name}" as revision ${created.revision}.`, "success");
}

export async function save(): Promise<void> {
  // An inline subflow open for editing belongs to its parent: that is what is saved.
  leaveInlineSubflows();
  const state = useDocument.getState();
  const { meta } = state;
  if (!useUi.getState().user) {
    useUi.getState().show({ type: "signIn" });
    return;
  }
  try {
    if (meta.id === null || meta.revision === null) {
      await create(meta.name);
      return;
    }
    const saved = await api.saveWorkflow(meta.id, meta.revision, meta.name, definitionOf(state), layoutOf(state));
    useDocument.getState().markSaved({ id: saved.id, name: saved.name, revision: saved.revision });
    useUi.getState().say(`Saved revision ${saved.revision}.`, "success");
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.code === "stale_revision" && meta.id !== null && meta.revision !== null) {
      await offerStaleChoices(meta.id, meta.revision, Number(e.body.current_revision));
    } else useUi.getState().say(e instanceof ApiError ? `Not saved: ${e.message}` : String(e), "error");
  }
}

/** Someone saved a newer revision: say what it changed (against the one this document started from)
 * and offer the ways forward (components/StaleSave.tsx). */
async function offerStaleChoices(id: number, base: number, current: number): Promise<void> {
  useUi.getState().say(`Not saved: revision ${current} is newer.`, "warning");
  let changes: string[] | null = null;
  try {
    const [before, after] = await Promise.all([api.revision(id, base), api.revision(id, current)]);
    changes = describeChanges(before.specification as Definition, after.specification as Definition);
  } catch {
    // The choices stand without the list.
  }
  useUi.getState().show({ type: "stale", current, changes });
}

/** Saves this document over the newer revision. */
export async function overwrite(current: number): Promise<void> {
  const { meta } = useDocument.getState();
  useDocument.setState({ meta: { ...meta, revision: current } });
  await save();
}

export function saveAs(): void {
  if (!useUi.getState().user) {
    useUi.getState().show({ type: "signIn" });
    return;
  }
  const current = useDocument.getState().meta.name;
  useUi.getState().show({
    type: "name",
    title: "Save as",
    label: "Name",
    initial: `${current} (copy)`,
    onDone: (name) => {
      useDocument.getState().rename(name);
      create(name).catch((e: unknown) => useUi.getState().say(e instanceof ApiError ? `Not saved: ${e.message}` : String(e), "error"));
    },
  });
}

export async function restoreRevision(number: number): Promise<void> {
  const { meta } = useDocument.getState();
  if (meta.id === null || !mayReplace()) return;
  try {
    const restored = await api.restore(meta.id, number);
    await show(restored.specification as Definition, restored.layout ?? {}, { ...meta, revision: restored.number }, true);
    useUi.getState().say(`Restored revision ${number} as revision ${restored.number}.`, "success");
  } catch (e) {
    useUi.getState().say(e instanceof ApiError ? `Not restored: ${e.message}` : String(e), "error");
  }
}
