"""Roboflow's query language, the subset that applies to non-detection data.

`property_definition` and `continue_if` embed it: operations transform a value step by step,
statements compare values. The models here define the manifests' schemas (names and fields are
Roboflow's); ``evaluation`` runs them.
"""
