"""Utilities of sksigmoid."""
