"""Comment rounds: inviting views on one version of a draft, comments, resolutions."""
