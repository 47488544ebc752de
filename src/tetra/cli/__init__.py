"""Typer composition root: the `tetra` command line and its sub-commands."""
