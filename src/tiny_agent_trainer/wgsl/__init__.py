"""WGSL language tools: lossless lexer and canonical formatter. No GPU, no naga here."""
