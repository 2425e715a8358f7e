"""Opportunities at employers, and the ``opportunities`` import. Above ``engagement``;
candidacies, cohorts and pledges build on it."""
