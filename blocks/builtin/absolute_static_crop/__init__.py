"""Crop a fixed region, given in pixels, out of every image."""
