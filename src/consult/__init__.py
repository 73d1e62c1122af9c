"""consult: offline evidence from stakeholder consultation rounds."""

__version__ = "0.1.0"
