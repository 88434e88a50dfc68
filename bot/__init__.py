"""Open Cup Bot: answers about the Lamar Hunt U.S. Open Cup qualification."""
