"""Compatibility of block versions: the semantic diff, Confluent's policies, step migrations."""
