"""Data protection requests and the retention schedule."""
