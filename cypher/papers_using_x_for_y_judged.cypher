// Papers that use X for Y as `kg query papers-using X --for Y` answers them, in its order: the
// question goes to the query engine that `kg neo4j guide --uri ...` serves at $engine (it reads the
// abstracts' sentences, which Cypher cannot), and each answer comes back as its Paper with the engine's
// score and the sentences that say so. Needs that server running and APOC (kg neo4j start installs it),
// from a Neo4j in Docker, $engine is http://host.docker.internal:8001. papers_using_x_for_y reads edges.
// X and Y are cut at 500 characters and $limit kept within the engine's 1 to 100 answers (a URL carries them).
// Run papers_using_x_for_y_judged.params first (its :param lines set the example values), then this query alone.
WITH CASE WHEN $limit < 1 THEN 1 WHEN $limit > 100 THEN 100 ELSE $limit END AS limit
CALL apoc.load.json($engine + '/api/papers-using?x=' + apoc.text.urlencode(left($x, 500))
                    + '&y=' + apoc.text.urlencode(left($y, 500)) + '&limit=' + toString(limit)) YIELD value
UNWIND range(0, size(value.results) - 1) AS i
WITH i, value.results[i] AS answer
MATCH (p:Paper {id: answer.paper_id})
RETURN i + 1 AS rank, p.id AS paper, p.title AS title, answer.year AS year, answer.score AS score,
       answer.evidence AS evidence
ORDER BY rank;
