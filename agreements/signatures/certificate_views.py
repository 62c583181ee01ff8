"""Certificate of completion of a signed agreement, and checking whether a file is a signed document."""
