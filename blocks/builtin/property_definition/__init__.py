"""Property definition: compute a value from another with query-language operations."""
