"""Staff admin of the enterprise domain."""
