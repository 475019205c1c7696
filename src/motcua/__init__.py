"""motcua — open-source electronic one-stop shop for Vietnamese public administration."""

__version__ = "0.1.0"
