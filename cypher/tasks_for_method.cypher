// Tasks a method (or any member of its family) is used for, ranked as `kg query tasks-for` ranks them.
// A paper supports a task it addresses when it proposes or uses the method's family (not as a baseline,
// not as background): weight 1 less 0.05 per IS_A step, times 1.0 when one sentence links the two (a
// USED_FOR edge or a shared evidence sentence) or 0.5 when they only meet in the paper. A task needs 1.0
// of unweighted support: its score is the weighted support x (share of its papers that are the method's)
// ^ 0.25. Only offered tasks (confidence >= 0.6). Names match case-insensitively through the display
// name, aliases and keys.
// Run tasks_for_method.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($method)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (x:Method)
WHERE any(k IN qs WHERE k IN coalesce(x.keys, []) OR k = toLower(x.name)
          OR k IN [a IN coalesce(x.aliases, []) | toLower(a)])
WITH collect(x) AS matched
UNWIND matched AS x
MATCH path = (sub:Method)-[:IS_A*0..]->(x)
WITH matched, sub, max(1.0 - 0.05 * length(path)) AS w
WITH matched, collect(sub) AS family, collect(w) AS weights
WITH matched, family, [i IN range(0, size(family) - 1) | [family[i].id, weights[i]]] AS fw
OPTIONAL CALL (fw) {
  UNWIND fw AS pair
  MATCH (p:Paper)-[r:PROPOSES|USES|EVALUATES_ON|ADDRESSES|REPORTS]->(f:Method {id: pair[0]})
  WHERE coalesce(r.role, 'own use') IN ['proposes', 'own use']
  RETURN p.id AS pid, max(pair[1]) AS w, reduce(acc = [], ev IN collect(coalesce(r.evidence, [])) | acc + ev) AS ev
}
WITH [t IN matched | toLower(t.name)] AS matched_names, [f IN family | f.id] AS family_ids,
     collect(CASE WHEN pid IS NULL THEN null ELSE [pid, w, ev] END) AS anchors
UNWIND anchors AS a
MATCH (p:Paper {id: a[0]})-[r:ADDRESSES]->(m:Task)
WHERE coalesce(r.role, 'own use') IN ['proposes', 'own use'] AND NOT m.id IN family_ids
  AND coalesce(m.confidence, 1.0) >= 0.6 AND NOT toLower(m.name) IN matched_names
OPTIONAL MATCH (fm:Method)-[u:USED_FOR]->(m) WHERE fm.id IN family_ids
WITH m, a, r, reduce(acc = [], ps IN collect(coalesce(u.papers, [])) | acc + ps) AS together
WITH m, a[0] AS pid, a[1] AS w, r,
     CASE WHEN any(s IN coalesce(r.evidence, []) WHERE s IN a[2]) OR a[0] IN together THEN 1.0 ELSE 0.5 END AS raw
WITH m, pid, max(w * raw) AS support, max(raw) AS raw, sum(coalesce(r.confidence, 0.0)) AS strength,
     reduce(acc = [], ev IN collect(coalesce(r.evidence, [])) | acc + ev) AS evidence
WITH m, sum(support) AS total, sum(raw) AS raw, count(pid) AS papers, sum(strength) AS strength,
     collect(pid) AS paper_ids, reduce(acc = [], ev IN collect(evidence) | acc + ev) AS evidence
WHERE raw >= 1.0
WITH m, papers, paper_ids, evidence, round(strength, 4) AS strength,
     round(total * (toFloat(papers) / CASE WHEN coalesce(m.paper_count, 0) > papers THEN m.paper_count ELSE papers END) ^ 0.25, 4) AS score
RETURN m.id AS id, m.name AS task, papers, score, paper_ids[..5] AS sample_papers, head(evidence) AS evidence
ORDER BY score DESC, strength DESC, toLower(task), id
LIMIT 25;
