"""Continue if: let the listed steps run only where a condition holds."""
