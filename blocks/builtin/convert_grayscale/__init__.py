"""Convert an image to grayscale."""
