"""The API's tokens are issued and revoked in ``pathways.core.tokens`` (the staff pages
revoke them too, and workspace may not import the API); the names stay here for the
code and tests that import them from the API."""

from pathways.core.tokens import (
    IssuedToken,
    TokenRefused,
    end_tokens_on_membership_change,
    end_tokens_on_password_change,
    issue_token,
    revoke_tokens,
    tokens_of,
)

__all__ = [
    "IssuedToken",
    "TokenRefused",
    "end_tokens_on_membership_change",
    "end_tokens_on_password_change",
    "issue_token",
    "revoke_tokens",
    "tokens_of",
]
