"""Models of the policies app (see issue)."""
