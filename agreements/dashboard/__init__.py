"""Regional and national uptake of the cooperation guidelines and agreements: read-only figures, exports."""
