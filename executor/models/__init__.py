"""Model backends behind the classification block's port."""
