"""Arrears: emergency layer."""
