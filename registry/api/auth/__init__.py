"""Sign-in: sessions (with CSRF) for the browser, tokens for programs."""
