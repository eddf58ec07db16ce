// Methods used for a task (or any of its sub-tasks): methods that papers addressing the task use or
// propose, counted by supporting papers. `same_sentence` marks methods an extracted USED_FOR edge
// links to the task (one sentence states it), with that sentence as evidence.
// Names match case-insensitively through the display name, aliases and normalised keys.
// Run methods_for_task.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($task)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (t:Task)
WHERE any(k IN qs WHERE k IN coalesce(t.keys, []) OR k = toLower(t.name)
          OR k IN [a IN coalesce(t.aliases, []) | toLower(a)])
MATCH (sub:Task)-[:IS_A*0..]->(t)
WITH collect(DISTINCT sub) AS tasks
UNWIND tasks AS sub
MATCH (sub)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Method)
WITH tasks, m, collect(DISTINCT p.id) AS papers
OPTIONAL MATCH (m)-[uf:USED_FOR]->(ut:Task)
WHERE ut IN tasks
WITH m, papers, collect(uf) AS sentence_edges
RETURN m.id AS id, m.name AS method, size(papers) AS papers, size(sentence_edges) > 0 AS same_sentence,
       papers[..5] AS sample_papers,
       head(reduce(acc = [], e IN sentence_edges | acc + coalesce(e.evidence, []))) AS evidence
ORDER BY same_sentence DESC, papers DESC, method
LIMIT 25;
