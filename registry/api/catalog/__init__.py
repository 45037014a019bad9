"""Catalog endpoints: kinds, block versions, the connection graph."""
