"""Models, one module per concern; every model is re-exported here for Django's app loading."""
