"""Source files: their pydantic models, reading and writing them, and the importers that draft them from documents. Imports domain only."""
