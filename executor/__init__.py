"""Pure-Python workflow compiler and engine, and the model backends it calls."""
