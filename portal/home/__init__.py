"""The portal page: the landing page with its portlets."""
