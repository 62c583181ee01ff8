"""Demo data: fictional organisations, networks and one user per role."""
