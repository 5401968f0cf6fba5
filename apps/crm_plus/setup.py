"""Kept for tools that still call setup.py; the project metadata lives in pyproject.toml."""

from setuptools import setup

setup()
