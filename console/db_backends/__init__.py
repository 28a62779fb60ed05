"""Database backends: Django's, with what the console changes in them."""
