"""Hand-written methods of the generated resources (what does not follow from the spec)."""
