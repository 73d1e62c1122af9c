"""The round's steps in order (ingest, embed, tag, themes, report) with typed results, on-disk
caches and bookkeeping: everything the Prefect flow runs, testable without Prefect."""
