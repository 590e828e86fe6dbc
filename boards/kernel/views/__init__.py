"""Pages of the kernel."""
