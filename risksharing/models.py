"""Models of the risksharing app (see issue)."""
