"""govopen-wagtail: 政务公开 (government information disclosure) for Wagtail."""

__version__ = "0.1.0"
