"""Security primitives: password hashing, random tokens, session rules, CSRF, login throttling
and HTTP security headers. Nothing here touches the database; services/auth.py does."""
