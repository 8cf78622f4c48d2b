"""Everything a reader looks at: the offline HTML dashboard (build.py reads the snapshot,
render.py turns data into the page) and the BI project."""
