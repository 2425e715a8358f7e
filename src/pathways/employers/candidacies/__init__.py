"""Candidacies: putting a person forward for an opportunity and moving them on, with
the consent gate. Above ``opportunities``."""
