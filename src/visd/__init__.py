"""VISD Hub: the platform of Flanders' Innovation and Industry Strategy for Security & Defence."""

__version__ = "0.1.0"
