"""Mode solvers of waveguide cross-sections: MPB (:mod:`.mpb`), the femwell second-solver check
(:mod:`.femwell_check`), 1D multilayer slabs (:mod:`.slab`), dispersion (:mod:`.dispersion`) and the MPB
convergence tables (:mod:`.convergence`)."""
