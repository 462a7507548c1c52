"""System Settings (the administrator's pages)."""
