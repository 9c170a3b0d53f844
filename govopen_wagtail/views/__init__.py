"""Public views beyond a page's own template (exports, feeds, JSON)."""
