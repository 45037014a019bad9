"""Inner workflow: a whole workflow used as one step, expanded into its steps at compile time."""
