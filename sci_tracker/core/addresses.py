"""E-mail addresses as the app compares them: one rule for sign-in, lockouts and invitations."""

import unicodedata


def normalise_email(address: str) -> str:
    """The form two spellings of one address share: Unicode-normalised (NFKC), trimmed and
    case-folded, so "Alice@Example.org " and "alice@example.org" are one account, one lockout
    and one invitation."""
    return unicodedata.normalize("NFKC", address).strip().casefold()
