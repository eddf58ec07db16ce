// Papers within $hops citation steps (1 to 3, either direction) of a paper, nearest first, with
// whether the paper cites them or they cite it directly.
// Run citation_neighbourhood.params first (its :param lines set the example values), then this query alone.
MATCH (p:Paper {id: $paper_id})
MATCH path = (p)-[:CITES*1..3]-(q:Paper)
WHERE length(path) <= $hops AND q <> p
WITH p, q, min(length(path)) AS distance
RETURN q.id AS paper, q.title AS title, q.year AS year, distance,
       EXISTS { (p)-[:CITES]->(q) } AS cited_by_it, EXISTS { (q)-[:CITES]->(p) } AS cites_it
ORDER BY distance, paper
LIMIT 100;
