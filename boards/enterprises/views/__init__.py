"""Pages of the enterprise domain."""
