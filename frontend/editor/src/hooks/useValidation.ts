// Validation as you edit: the definition goes to the server shortly after each change; the answer
// (errors and warnings, each with a JSON Pointer) lands in the ui store.

import { useEffect } from "react";

import { api, ApiError } from "../api";
import { definitionOf, useDocument } from "../store/document";
import { useUi } from "../store/ui";

const DELAY_MS = 120;

export function useValidation(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest = 0;
    let lastSent = "";
    const check = () => {
      const state = useDocument.getState();
      if (state.nodes.length === 0) {
        lastSent = "";
        useUi.getState().setValidation({ valid: null, errors: [], warnings: [] });
        return;
      }
      const definition = definitionOf(state);
      const text = JSON.stringify(definition);
      if (text === lastSent) return;
      lastSent = text;
      const ticket = ++latest;
      api.validate(definition).then(
        (result) => {
          if (ticket === latest) useUi.getState().setValidation({ valid: result.valid, errors: result.errors, warnings: result.warnings });
        },
        (e: unknown) => useUi.getState().say(e instanceof ApiError ? e.message : String(e), "error"),
      );
    };
    const unsubscribe = useDocument.subscribe((state, previous) => {
      if (state.nodes === previous.nodes && state.edges === previous.edges) return;
      clearTimeout(timer);
      timer = setTimeout(check, DELAY_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, []);
}
