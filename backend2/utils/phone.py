"""Phone numbers to E.164 through the `phonenumbers` library."""
import phonenumbers


def to_e164(raw, default_region, always_accept=()):
    """The E.164 form of `raw`, or None when it is not a valid number.

    Numbers without a country code are read in `default_region`. Numbers listed in
    `always_accept` (already E.164, such as app-store review accounts) pass even when
    the numbering plan calls them fictional.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164 in always_accept or phonenumbers.is_valid_number(parsed):
        return e164
    return None


def region_of(e164):
    """The region code (e.g. 'US') of an E.164 number, or None."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def stored_to_e164(raw, default_region):
    """E.164 for a number as an old server stored it: typed in any format, perhaps without its
    `+` ("14155550123") or as a number; None when it is not a valid number either way."""
    raw = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
    found = to_e164(raw, default_region)
    if found is None and isinstance(raw, str):
        digits = "".join(char for char in raw if char.isdigit())
        if raw.strip().startswith("00"):
            digits = digits[2:]
        found = to_e164("+" + digits, default_region) if digits else None
    return found
