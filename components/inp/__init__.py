"""InP cells (inp)."""
