"""Built-in block versions: one package per block family, one module per version."""
