"""Drafting agreements: Agreement, its immutable versions, the lifecycle and the redline between versions."""
