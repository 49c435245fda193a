"""Arrears: flows layer."""
