"""The provider's employer list: employers, sites, contacts and the engagement log. The
lowest employer sub-domain: the others hang off an employer and may import it."""
