"""Pathways: case management and commissioning for supported-employment services."""
