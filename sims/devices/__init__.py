"""Compact device models: microring (:mod:`.ring`), ring-bus coupler (:mod:`.coupler`), MMI splitters by FDTD
(:mod:`.mmi`) and by mode-propagation analysis (:mod:`.mmi_mpa`), DBR gratings (:mod:`.grating`), the AMZI
(:mod:`.amzi`) and injection locking of the client laser (:mod:`.injection`)."""
