// Datasets for a task (or any of its subtasks), ranked as `kg query datasets-for` ranks them.
// A paper supports a dataset it evaluates on or introduces (not a baseline, not background) when it addresses the
// task's family (or its text names the task): weight 1 less 0.05 per IS_A step (0.8 for a text-only
// paper), times 1.0 when the vocabulary's BENCHMARK_FOR links the dataset to the task's family, 0.5 when it
// places the dataset under other tasks only (even where one sentence names both: "classification on
// CIFAR-10 and segmentation on GlaS"), else 1.0 (a dataset the vocabulary places nowhere serves the paper's task). A dataset needs 1.0 of unweighted support: its score is the weighted support
// x (share of its papers that are the task's) ^ 0.25. Only offered datasets (confidence >= 0.6). Names match case-insensitively through the display name, aliases and keys.
// Run datasets_for_task.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($task)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (t:Task)
WHERE any(k IN qs WHERE k IN coalesce(t.keys, []) OR k = toLower(t.name)
          OR k IN [a IN coalesce(t.aliases, []) | toLower(a)])
WITH collect(t) AS matched
UNWIND matched AS t
MATCH path = (sub:Task)-[:IS_A*0..]->(t)
WITH matched, sub, max(1.0 - 0.05 * length(path)) AS w
WITH matched, collect(sub) AS family, collect(w) AS weights
WITH matched, family, [i IN range(0, size(family) - 1) | [family[i].id, weights[i]]] AS fw,
     reduce(n = 0, f IN family | n + coalesce(f.paper_count, 0)) AS reach
OPTIONAL CALL (fw) {
  UNWIND fw AS pair
  MATCH (p:Paper)-[r:PROPOSES|USES|EVALUATES_ON|ADDRESSES|REPORTS]->(f:Task {id: pair[0]})
  RETURN p.id AS pid, max(pair[1]) AS w, reduce(acc = [], ev IN collect(coalesce(r.evidence, [])) | acc + ev) AS ev
}
WITH matched, family, reach, collect(CASE WHEN pid IS NULL THEN null ELSE [pid, w, ev] END) AS edge_anchors
OPTIONAL CALL (matched, reach) {
  WITH matched WHERE reach <= 2000
  UNWIND matched AS t
  UNWIND coalesce(t.name_terms, []) AS v
  WITH collect('(' + reduce(s = '', term IN split(v, ' ') | s + ' +"' + term + '"') + ')') AS clauses
  WITH reduce(s = '', c IN clauses | s + ' ' + c) AS lucene, clauses WHERE size(clauses) > 0
  CALL db.index.fulltext.queryNodes('paper_terms', lucene) YIELD node
  WITH node.id AS pid ORDER BY pid LIMIT 2000
  RETURN collect(pid) AS text_pids
}
WITH matched, family, edge_anchors, coalesce(text_pids, []) AS text_pids
WITH matched, family,
     edge_anchors + [pid IN text_pids WHERE NOT pid IN [a IN edge_anchors | a[0]] | [pid, 0.8, []]] AS anchors
WITH [t IN matched | toLower(t.name)] AS matched_names, [f IN family | f.id] AS family_ids, anchors
UNWIND anchors AS a
MATCH (p:Paper {id: a[0]})-[r:EVALUATES_ON|PROPOSES]->(m:Dataset)
WHERE coalesce(r.role, 'own use') IN ['proposes', 'own use'] AND NOT m.id IN family_ids
  AND coalesce(m.confidence, 1.0) >= 0.6 AND NOT toLower(m.name) IN matched_names
OPTIONAL MATCH (m)-[b:BENCHMARK_FOR]->(bt:Task)
WITH m, a, r, family_ids, collect(bt.id) AS benchmarked
WITH m, a[0] AS pid, a[1] AS w, r,
     CASE WHEN any(x IN benchmarked WHERE x IN family_ids) THEN 1.0
          WHEN size(benchmarked) > 0 THEN 0.5 ELSE 1.0 END AS raw
WITH m, pid, max(w * raw) AS support, max(raw) AS raw, sum(coalesce(r.confidence, 0.0)) AS strength,
     reduce(acc = [], ev IN collect(coalesce(r.evidence, [])) | acc + ev) AS evidence
WITH m, sum(support) AS total, sum(raw) AS raw, count(pid) AS papers, sum(strength) AS strength,
     collect(pid) AS paper_ids, reduce(acc = [], ev IN collect(evidence) | acc + ev) AS evidence
WHERE raw >= 1.0
WITH m, papers, paper_ids, evidence, round(strength, 4) AS strength,
     round(total * (toFloat(papers) / CASE WHEN coalesce(m.paper_count, 0) > papers THEN m.paper_count ELSE papers END) ^ 0.25, 4) AS score
RETURN m.id AS id, m.name AS dataset, papers, score, paper_ids[..5] AS sample_papers, head(evidence) AS evidence
ORDER BY score DESC, strength DESC, toLower(dataset), id
LIMIT 25;
