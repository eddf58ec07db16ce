"""Field-level analytics over the built graph: trends, bursts, centrality and research fronts."""
