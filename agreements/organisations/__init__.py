"""Organisations (workshops and providers), regions and regional networks (ALU)."""
