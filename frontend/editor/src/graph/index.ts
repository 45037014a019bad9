// The canvas graph <-> Roboflow workflow definition. Pure functions only: the React components and the
// tests share them. One module a concern (shape, selectors, each direction, positions, names); the
// editor imports them from here.

export * from "./model";
export { setSelectorGrammar, renameInSelectors } from "./selectors";
export { definitionToGraph } from "./fromDefinition";
export { graphToDefinition } from "./toDefinition";
export { layout, nodeKey, placeSaved } from "./positions";
export { nodeForPointer, uniqueName } from "./names";
