"""`kg view`: one self-contained HTML page showing a map of research fronts or a neighbourhood."""
