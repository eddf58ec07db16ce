// Papers that introduce X (a method or dataset) or something that IS_A X, with the sentence that
// says so ("we propose ..."), most confident first.
// Names match case-insensitively through the display name, aliases and normalised keys.
// Run papers_proposing.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($x)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (x:Method|Dataset)
WHERE any(k IN qs WHERE k IN coalesce(x.keys, []) OR k = toLower(x.name)
          OR k IN [a IN coalesce(x.aliases, []) | toLower(a)])
MATCH (p:Paper)-[r:PROPOSES]->(sub)-[:IS_A*0..]->(x)
WITH p, sub, r, x
RETURN DISTINCT p.id AS paper, p.title AS title, p.year AS year, sub.name AS proposes,
       head(coalesce(r.evidence, [])) AS evidence, r.confidence AS confidence
ORDER BY confidence DESC, paper, proposes
LIMIT 25;
