"""Small pure helpers that never import Django."""
