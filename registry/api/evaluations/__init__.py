"""Evaluations of saved workflows on labelled datasets, and comparisons of two of them."""
