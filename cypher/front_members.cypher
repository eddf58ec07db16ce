// The methods and tasks of one research front, most central first, with their papers and the front's
// name (its top entities). `kg analyze` stores front, front_name and centrality on the nodes: run it
// before `kg load`. Front 0 is the largest.
// Run front_members.params first (its :param lines set the example values), then this query alone.
MATCH (e)
WHERE (e:Method OR e:Task) AND e.front = $front
RETURN e.front_name AS front, labels(e)[0] AS label, e.name AS name, e.centrality AS centrality,
       e.paper_count AS papers
ORDER BY centrality DESC, name
LIMIT 100;
