"""Social-value pledges and their progress, counted from opportunities and accepted
candidacies. The top employer sub-domain with ``cohorts``; nothing below imports it."""
