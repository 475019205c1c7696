"""Public API (no login): the procedure catalogue as citizens and other portals read it."""
