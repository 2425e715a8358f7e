"""Supported-internship cohorts and their rotations through the host's departments.
Uses ``engagement`` and ``opportunities``; nothing below imports it."""
