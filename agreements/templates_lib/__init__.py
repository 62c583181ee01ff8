"""The agreement template library: templates, their immutable versions, manifests and document rendering."""
