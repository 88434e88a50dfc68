"""The store: SQLModel tables, the async engine and sessions, migrations, and the loader from data/."""
