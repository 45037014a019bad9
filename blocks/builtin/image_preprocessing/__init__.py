"""Image preprocessing: resize, rotate or flip an image."""
