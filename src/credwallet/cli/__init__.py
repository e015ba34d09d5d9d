"""The typer command-line interface: thin commands that render library results."""
