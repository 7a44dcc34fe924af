"""S2 开放合作指数: a COINr-grade composite-indicator engine (pure modules) inside a thin Django app."""
