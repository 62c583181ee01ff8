"""An organisation's members, managed by its own administrators and the national administrators."""
