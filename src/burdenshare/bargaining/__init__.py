"""Level-I bargaining (placeholder, filled in below)."""
