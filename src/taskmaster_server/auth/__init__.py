"""Authentication: argon2 passwords, ES256 access tokens and JWKS, rotating refresh tokens."""
