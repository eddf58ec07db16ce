// Datasets that papers addressing a task (or any of its sub-tasks) evaluate on or introduce,
// counted by papers, with one evidence sentence each.
// Names match case-insensitively through the display name, aliases and normalised keys.
// Run datasets_for_task.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($task)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (t:Task)
WHERE any(k IN qs WHERE k IN coalesce(t.keys, []) OR k = toLower(t.name)
          OR k IN [a IN coalesce(t.aliases, []) | toLower(a)])
MATCH (sub:Task)-[:IS_A*0..]->(t)
WITH DISTINCT sub
MATCH (sub)<-[:ADDRESSES]-(p:Paper)-[e:EVALUATES_ON|PROPOSES]->(d:Dataset)
WITH d, collect(DISTINCT p.id) AS papers, collect(e) AS edges
RETURN d.id AS id, d.name AS dataset, size(papers) AS papers, papers[..5] AS sample_papers,
       head(reduce(acc = [], r IN edges | acc + coalesce(r.evidence, []))) AS evidence
ORDER BY papers DESC, dataset
LIMIT 25;
