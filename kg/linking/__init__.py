"""Embedder (all-MiniLM-L6-v2) → VectorIndex (faiss) → Linker (related datasets across sources)."""
