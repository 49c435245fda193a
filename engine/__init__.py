"""Arrears: engine layer."""
