"""Every write of the enterprise domain, one module per use-case area."""
