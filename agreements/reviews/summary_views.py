"""Summary report views: the vastineraportti of a comment round as a page and as a .docx."""
