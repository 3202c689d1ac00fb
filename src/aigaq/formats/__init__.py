"""Locale formats Django does not ship: Kazakh (kk) dates, times and numbers."""
