"""Alignment: SSSOM mapping sets that map each lab's terms to shared concepts (issue 4)."""
