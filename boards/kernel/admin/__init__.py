"""Admin of the kernel: the board-scoped admin bases and the kernel's own models."""
