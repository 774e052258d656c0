"""Request plumbing: authentication, validation, rate limits, errors, logging."""
