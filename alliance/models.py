"""Models of the alliance app (see issue)."""
