"""Models of the reviews app (see issue)."""
