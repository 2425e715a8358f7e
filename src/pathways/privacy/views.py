"""The data protection officer's pages."""
