"""The sections of the insights dashboard, one module a concern (see `insights.metrics`)."""
