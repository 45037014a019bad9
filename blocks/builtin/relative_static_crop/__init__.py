"""Crop a fixed region, given as fractions of the image size, out of every image."""
