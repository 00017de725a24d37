"""Revision files, one per schema change, in a single linear chain."""
