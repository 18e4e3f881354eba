"""Course packs: typed content objects, the YAML loader and its validation."""
