"""The Python entry point: `KnowledgeGraph.build / load / neo4j`, then the query helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.graph.snapshot import GraphDicts
from kg.query.access import GraphAccess
from kg.query.embedded import NetworkxAccess
from kg.query.engine import QueryEngine
from kg.query.results import EntityResult, PaperAnswer, PaperResult

if TYPE_CHECKING:  # the pipeline imports spaCy, the record models pydantic; queries should not pay for that
    import networkx as nx  # a graph read from its snapshot is networkx's dicts until `graph` is asked for

    from kg.analytics.analysis import Analysis
    from kg.analytics.trends import Rising, Trend
    from kg.ingest import IngestReport
    from kg.models import Paper, PaperExtraction
    from kg.pipeline import RecordSpool


class KnowledgeGraph:
    """A built graph, embedded (networkx) or in Neo4j, with one query API over both.

    Names given to the queries resolve as `kg query` resolves them: through every alias, ignoring case,
    hyphens and plurals, and an entity's IS_A descendants count as the entity (a question about
    "transformer" finds papers on the Vision Transformer).

    Examples
    --------
    The examples in this module run as tests (tests/test_api_examples.py) on a graph of six
    hand-written papers saved as graph.json.gz:

    >>> kg = KnowledgeGraph.load("graph.json.gz")
    >>> kg
    <KnowledgeGraph embedded: 6 papers, 18 nodes, 23 relationships>
    """

    def __init__(
        self,
        access: GraphAccess,
        *,
        graph: nx.MultiDiGraph | None = None,
        papers: list[Paper] | None = None,
        extractions: list[PaperExtraction] | None = None,
        closer: Any = None,
    ) -> None:
        self._access = access
        self._engine = QueryEngine(access)
        self._graph: nx.MultiDiGraph | GraphDicts | None = graph
        self._papers = papers
        self._extractions = extractions
        self._records_path: Path | None = None
        self._spools: tuple[RecordSpool[Paper], RecordSpool[PaperExtraction]] | None = None
        self._closer = closer
        self.ingest_report: IngestReport | None = None  # set by build(): what reading the inputs found

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def from_graph(
        cls,
        graph: nx.MultiDiGraph,
        papers: list[Paper] | None = None,
        extractions: list[PaperExtraction] | None = None,
    ) -> KnowledgeGraph:
        """Wrap an in-memory graph."""
        return cls(NetworkxAccess(graph), graph=graph, papers=papers, extractions=extractions)

    @classmethod
    def build(
        cls,
        inputs: Sequence[str | Path],
        *,
        format: str | None = None,
        strict: bool = False,
        column_map: Mapping[str, str] | None = None,
        model: str | Path | None = None,
        processes: int = 1,
        progress: bool = False,
        vocab: str | Path | None = None,
    ) -> KnowledgeGraph:
        """Read the inputs, extract, resolve, link to the ML vocabulary and build the embedded graph.

        Parameters
        ----------
        inputs : sequence of str or Path
            Files or folders of papers: seed text files, JSONL, CSV, arXiv, OpenAlex or Semantic Scholar
            exports; a folder is read recursively.
        format : str, optional
            The input format for every file; by default each file's is detected from its name and content.
        strict : bool
            Stop at the first bad record (IngestError) instead of skipping it with a note in the report.
        column_map : mapping of str to str, optional
            Our field name to the input's column or key, for JSONL/CSV, e.g. ``{"abstract": "summary"}``.
        model : str or Path, optional
            A spaCy pipeline to extract with instead of the shipped model.
        processes : int
            Extraction processes.
        progress : bool
            Show a progress bar on stderr.
        vocab : str or Path, optional
            A user vocabulary file (docs/vocabulary.md) extending or overriding the shipped one.

        Returns
        -------
        KnowledgeGraph
            The embedded graph; its `ingest_report` says what was read and which records were bad
            (file and line). IngestError when the inputs hold no paper at all.

        Examples
        --------
        >>> kg = KnowledgeGraph.build(["examples/seed_abstracts.jsonl"])  # doctest: +SKIP
        >>> kg.save("graph.json.gz")  # doctest: +SKIP
        """
        from kg.extract import Extractor
        from kg.ingest import IngestReport, read_papers
        from kg.ingest.report import require_papers
        from kg.pipeline import build, drain
        from kg.vocab import load_index

        report = IngestReport()
        index = load_index(vocab)  # first: a bad vocabulary file fails before any extraction
        papers = list(read_papers(list(inputs), format=format, strict=strict, column_map=column_map, report=report))
        require_papers(report, list(inputs), None)  # an empty graph saved over a good one would lose it
        graph, paper_spool, extraction_spool = build(
            drain(papers),
            extractor=Extractor(model, n_process=processes, vocab_file=vocab),
            progress=progress,
            total=len(papers),
            vocab=index,
        )
        kg_ = cls.from_graph(graph)
        kg_.ingest_report = report
        # The records stay on disk until asked for (save, or the papers / extractions properties).
        kg_._spools = (paper_spool, extraction_spool)
        return kg_

    @classmethod
    def load(cls, path: str | Path, *, snapshot: bool = False) -> KnowledgeGraph:
        """Open a graph file written by `save` or `kg build`.

        Parameters
        ----------
        path : str or Path
            The .json.gz graph file.
        snapshot : bool
            Read it through its binary snapshot in the user's cache folder, written on the first load
            (kg.graph.snapshot); `kg query` does, for speed.

        Returns
        -------
        KnowledgeGraph
            The embedded graph; the paper and extraction records in the file are read only when asked
            for (`papers`, `extractions`, `save`). GraphFileError when the file is missing, cut short or
            not a graph file.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> kg.stats()["nodes"]["Paper"]
        6
        """
        from kg.graph.store import load_dicts_stored, load_graph_stored

        # The paper and extraction records in the file are parsed only when asked for (save, update):
        # as pydantic objects they take several times the graph's memory at 100k papers.
        graph, stored = load_dicts_stored(path) if snapshot else load_graph_stored(path)
        kg_ = cls(NetworkxAccess(graph, stored))
        kg_._graph = graph
        kg_._records_path = Path(path)
        return kg_

    @classmethod
    def neo4j(
        cls,
        uri: str | None = None,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
    ) -> KnowledgeGraph:
        """Query a graph loaded into Neo4j (by `kg load`); the queries answer as on the embedded graph.

        Parameters
        ----------
        uri : str, optional
            Bolt URI, e.g. ``bolt://localhost:7687``; default NEO4J_URI.
        auth : (str, str), optional
            (user, password); default NEO4J_USERNAME (or "neo4j") and NEO4J_PASSWORD.
        database : str, optional
            Database name; default NEO4J_DATABASE, else the server's default database.

        Returns
        -------
        KnowledgeGraph
            Use it in a ``with`` block (or call `close`) to release the connection.

        Examples
        --------
        >>> with KnowledgeGraph.neo4j("bolt://localhost:7687", auth=("neo4j", "a-long-password")) as kg:  # doctest: +SKIP
        ...     kg.methods_for("object detection", limit=5)
        """
        from kg.neo4j.settings import Neo4jSettings, connect
        from kg.query.neo4j_backend import Neo4jAccess

        settings = Neo4jSettings.resolve(uri=uri, auth=auth, database=database)
        driver = connect(settings)
        return cls(Neo4jAccess(driver, settings.database), closer=driver)

    # -- records -------------------------------------------------------------------------------
    def _load_records(self) -> None:
        from kg.graph.store import read_records

        papers: list[Paper] = []
        extractions: list[PaperExtraction] = []
        if self._spools is not None:
            papers, extractions = list(self._spools[0]), list(self._spools[1])
        elif self._records_path is not None:
            papers, extractions = read_records(self._records_path)
        self._papers = self._papers if self._papers is not None else papers
        self._extractions = self._extractions if self._extractions is not None else extractions

    @property
    def papers(self) -> list[Paper]:
        """The paper records the graph was built from (read from the graph file on first use)."""
        if self._papers is None:
            self._load_records()
        return self._papers or []

    @property
    def extractions(self) -> list[PaperExtraction]:
        """The per-paper extractions the graph was built from (read from the graph file on first use)."""
        if self._extractions is None:
            self._load_records()
        return self._extractions or []

    @property
    def graph(self) -> nx.MultiDiGraph | None:
        """The embedded graph (None for Neo4j); read from a snapshot, it becomes a MultiDiGraph here."""
        if isinstance(self._graph, GraphDicts):
            self._graph = self._graph.to_networkx()
        return self._graph

    @graph.setter
    def graph(self, graph: nx.MultiDiGraph | None) -> None:
        self._graph = graph

    # -- persistence -----------------------------------------------------------------------------
    def _require_graph(self) -> nx.MultiDiGraph:
        if self.graph is None:
            raise RuntimeError("this KnowledgeGraph lives in Neo4j; save/export need an embedded graph")
        return self.graph

    def save(self, path: str | Path) -> Path:
        """Write the embedded graph (with what `update` needs) to a .json.gz file."""
        from kg.graph.store import save_graph

        graph = self._require_graph()
        if self._spools is not None and self._papers is None and self._extractions is None:
            return save_graph(graph, path, papers=self._spools[0].lines(), extractions=self._spools[1].lines())
        return save_graph(graph, path, papers=self.papers, extractions=self.extractions)

    def export(self, fmt: str, path: str | Path) -> Path:
        """Export the embedded graph for other tools.

        Parameters
        ----------
        fmt : str
            ``"graphml"`` (Gephi, Cytoscape), ``"json"`` (networkx node-link JSON) or ``"neo4j-import"``
            (a folder of CSVs for ``neo4j-admin database import``).
        path : str or Path
            The file, or the folder for neo4j-import.

        Returns
        -------
        Path
            What was written.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> kg.export("graphml", "graph.graphml").name
        'graph.graphml'
        """
        from kg.graph.export import export_graph

        return export_graph(self._require_graph(), fmt, path)

    def close(self) -> None:
        """Release the Neo4j connection, if any."""
        if self._closer is not None:
            self._closer.close()
            self._closer = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._graph is not None:
            graph = self._graph
            papers = sum(1 for attrs in graph._node.values() if attrs.get("label") == "Paper")
            return (
                f"<KnowledgeGraph embedded: {papers} papers, {graph.number_of_nodes()} nodes, "
                f"{graph.number_of_edges()} relationships>"
            )
        return f"<KnowledgeGraph neo4j: database {getattr(self._access, 'database', '?')!r}>"

    # -- queries ---------------------------------------------------------------------------------
    def papers_using(self, x: str, task: str | None = None, *, limit: int = 20) -> list[PaperResult]:
        """Papers that use X (or anything that IS_A X), optionally for task Y; linked sentences first.

        Parameters
        ----------
        x : str
            A method, dataset or task, by any of its names.
        task : str, optional
            Only papers that use X for this task, read from what their sentences say (as
            `answer_papers_using`, without the trace).
        limit : int
            At most this many papers.

        Returns
        -------
        list of PaperResult
            Best supported first, each with its evidence sentences, a score that orders the answer
            (not a probability) and the names that matched. Empty when a name is unknown.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [r.paper_id for r in kg.papers_using("transformer")]
        ['arxiv:3', 'arxiv:1', 'arxiv:2', 'arxiv:4']
        >>> [(r.paper_id, r.matched) for r in kg.papers_using("Rank-DETR", task="object detection")]
        [('arxiv:1', ['Rank-DETR', 'object detection'])]
        """
        return self._engine.papers_using(x, task, limit=limit)

    def answer_papers_using(self, x: str, task: str, *, limit: int = 20) -> PaperAnswer:
        """papers_using(x, task) with the name-resolution trace and, when empty, the reason.

        Parameters
        ----------
        x : str
            A method, dataset or task, by any of its names.
        task : str
            The task X is used for.
        limit : int
            At most this many papers.

        Returns
        -------
        PaperAnswer
            `results` as papers_using(x, task) returns them; `explain` says why they are empty (None
            otherwise); `resolution` lists, for "x" and "y", the name-resolution steps tried.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> answer = kg.answer_papers_using("Rank-DETR", "image classification")
        >>> answer.results, answer.explain
        ([], "no paper mentions both 'Rank-DETR' and 'image classification'")
        """
        return self._engine.answer_papers_using(x, task, limit=limit)

    def paper_texts(self) -> list[tuple[str, str]]:
        """(title, abstract) of every paper, sorted by id."""
        return [v for _, v in sorted(self._access.paper_texts(None).items())]

    def papers_proposing(self, x: str, *, limit: int = 20) -> list[PaperResult]:
        """Papers that introduce X (or something that IS_A X).

        Parameters
        ----------
        x : str
            A method or dataset, by any of its names.
        limit : int
            At most this many papers.

        Returns
        -------
        list of PaperResult
            Most confident first, with the sentences that introduce it.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [(r.paper_id, r.evidence) for r in kg.papers_proposing("Rank-DETR")]
        [('arxiv:1', ['We propose Rank-DETR, a detection transformer for object detection.'])]
        """
        return self._engine.papers_proposing(x, limit=limit)

    def methods_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Methods that papers addressing the task (or its subtasks) propose or use.

        Parameters
        ----------
        task : str
            A task, by any of its names.
        limit : int
            At most this many answers.

        Returns
        -------
        list of EntityResult
            Best supported first: name, label, aliases, `paper_count` (the papers supporting the answer),
            the first of those papers and a score that orders the answer. Empty when the name is unknown.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [r.name for r in kg.methods_for("object detection")]
        ['Rank-DETR', 'CNN']
        """
        return self._engine.methods_for(task, limit=limit)

    def datasets_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Datasets that papers addressing the task (or its subtasks) evaluate on or introduce.

        Parameters
        ----------
        task : str
            A task, by any of its names.
        limit : int
            At most this many answers.

        Returns
        -------
        list of EntityResult
            Best supported first: name, label, aliases, `paper_count` (the papers supporting the answer),
            the first of those papers and a score that orders the answer. Empty when the name is unknown.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [r.name for r in kg.datasets_for("object detection")]
        ['COCO']
        """
        return self._engine.datasets_for(task, limit=limit)

    def tasks_for(self, method: str, *, limit: int = 20) -> list[EntityResult]:
        """Tasks that papers proposing or using the method (or a member of its family) address.

        Parameters
        ----------
        method : str
            A method, by any of its names.
        limit : int
            At most this many answers.

        Returns
        -------
        list of EntityResult
            Best supported first: name, label, aliases, `paper_count` (the papers supporting the answer),
            the first of those papers and a score that orders the answer. Empty when the name is unknown.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [r.name for r in kg.tasks_for("ViT")]
        ['image classification']
        """
        return self._engine.tasks_for(method, limit=limit)

    def related_papers(self, paper_id: str, *, limit: int = 10) -> list[PaperResult]:
        """Papers related to a paper by the entities they share (rarer ones count more) and citations.

        Parameters
        ----------
        paper_id : str
            The paper's id in the graph, e.g. ``arxiv:2309.08349`` or ``doi:10.1/x``.
        limit : int
            At most this many papers.

        Returns
        -------
        list of PaperResult
            Most related first. UnknownPaperError when the graph has no paper with that id.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [r.paper_id for r in kg.related_papers("arxiv:1")]
        ['doi:10.1/cited', 'arxiv:5']
        """
        return self._engine.related_papers(paper_id, limit=limit)

    def lookup(self, name: str, label: str | None = None) -> list[EntityResult]:
        """Entities known by this name through any alias, most mentioned first.

        Parameters
        ----------
        name : str
            Any name or alias; case, hyphens and plurals do not matter.
        label : str, optional
            Only entities with this label ("Method", "Dataset", "Task" or "Metric").

        Returns
        -------
        list of EntityResult
            With `paper_count` the papers mentioning each entity. Empty when no entity has the name.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [(r.name, r.aliases) for r in kg.lookup("ViT")]
        [('Vision Transformer', ['ViT', 'Vision transformers', 'vision transformer'])]
        """
        return self._engine.lookup(name, label)

    def stats(self, *, top: int = 50) -> dict:
        """Node and relationship counts, extraction coverage, and the most mentioned offered entities per label.

        Parameters
        ----------
        top : int
            How many entities to list per label.

        Returns
        -------
        dict
            "nodes" and "relationships" (counts per label and type), "papers_with_abstract",
            "papers_with_method_and_task", "offered" and "top" (per label) and "share_with_method_and_task".

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> kg.stats()["relationships"]["PROPOSES"]
        1
        """
        return self._engine.stats(top=top)

    # -- the field: trends, fronts, a picture (embedded graphs) ----------------------------------------
    def trends(self, names: Sequence[str], *, label: str | Sequence[str] | None = None) -> list[Trend]:
        """Papers per year for each name, counting its aliases and IS_A family as queries do.

        Parameters
        ----------
        names : sequence of str
            Entity names, each resolved as the queries resolve it.
        label : str or sequence of str, optional
            Only entities with these labels; default every entity label.

        Returns
        -------
        list of Trend
            One per name: the matched `entities`, `years` (every year the graph has papers from),
            `papers` (per year, that name's papers), `totals` (per year, all papers) and `undated`.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> (vit,) = kg.trends(["ViT"])
        >>> dict(zip(vit.years, vit.papers, strict=True))
        {2017: 0, 2018: 0, 2019: 0, 2020: 0, 2021: 1, 2022: 1, 2023: 0}
        """
        from kg.analytics.trends import trend

        graph, labels = self._require_graph(), _label_tuple(label)
        return [trend(graph, self._engine, name, labels) for name in names]

    def rising(
        self, *, label: str | Sequence[str] | None = None, since: int | None = None, limit: int = 20
    ) -> list[Rising]:
        """Offered entities whose yearly share of papers bursts (Kleinberg) from `since` on, strongest first.

        Parameters
        ----------
        label : str or sequence of str, optional
            Only entities with these labels; default every entity label.
        since : int, optional
            Only bursts starting in or after this year; default the last few years of the data.
        limit : int
            At most this many entities.

        Returns
        -------
        list of Rising
            Each with its bursts (start, end, papers, weight) and papers per year.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> [r.name for r in kg.rising(label="Method", since=2020)]  # doctest: +SKIP
        """
        from kg.analytics.trends import rising

        return rising(self._require_graph(), _label_tuple(label), since=since, limit=limit)

    def analyze(self, *, seed: int = 0) -> Analysis:
        """Centrality and research fronts, stored on the nodes (`save` keeps them; `kg load` carries them)."""
        from kg.analytics.analysis import analyze

        return analyze(self._require_graph(), seed=seed)

    def view(self, name: str | None = None, path: str | Path = "view.html", *, max_nodes: int = 500) -> Path:
        """Write a self-contained HTML view: the map of fronts, or the neighbourhood of an entity or paper.

        Parameters
        ----------
        name : str, optional
            An entity name or a paper id to centre on; default the map of research fronts.
        path : str or Path
            The HTML file to write.
        max_nodes : int
            At most this many nodes on the map of fronts.

        Returns
        -------
        Path
            The page, viewable offline in a browser.

        Examples
        --------
        >>> kg = KnowledgeGraph.load("graph.json.gz")
        >>> kg.view("Rank-DETR", "rank-detr.html").name
        'rank-detr.html'
        """
        from kg.view.data import view_data
        from kg.view.page import write_page

        return write_page(view_data(self._require_graph(), self._engine, name, max_nodes=max_nodes), path)


def _label_tuple(label: str | Sequence[str] | None) -> tuple[str, ...]:
    """Labels as a tuple (None: every entity label), each checked against the schema."""
    from kg.graph.schema import ENTITY_NODE_LABELS, check_label

    if label is None:
        return tuple(ENTITY_NODE_LABELS.values())
    labels = (label,) if isinstance(label, str) else tuple(label)
    return tuple(check_label(label) for label in labels)


def to_records(results: Sequence[PaperResult | EntityResult]) -> list[dict[str, Any]]:
    """Query results as plain dicts, one per answer: `pandas.DataFrame(to_records(g.papers_using("GAN")))`."""
    return [r.model_dump() for r in results]
