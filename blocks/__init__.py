"""Pure-Python block catalog: kinds, the manifest base, built-in block versions."""
