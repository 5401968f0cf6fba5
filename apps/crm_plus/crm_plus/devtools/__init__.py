"""Development tools: benchmarks, fault drills and generators of code; no production module imports them."""
