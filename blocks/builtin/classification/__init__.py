"""Single-label classification with a Roboflow or local model: versions 1, 2 and 3."""
