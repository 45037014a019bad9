"""Labelled image datasets: upload, list, detail."""
