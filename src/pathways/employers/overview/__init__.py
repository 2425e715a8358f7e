"""The employer and opportunity lists and pages, which show what several sub-domains
hold (opportunities and pledges on an employer's page, candidacies on an opportunity's).
The top of the employers package: it may use every sub-domain, and none uses it."""
