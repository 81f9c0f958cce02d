"""Red-team suites, one module each; registered as `redteam-<module>` (underscores as dashes)."""
