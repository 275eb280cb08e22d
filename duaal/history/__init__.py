"""What a stored run tells later, read from what it recorded: `audit` and `bundle`
(recompute and prove it), `changes` (what changed between two runs and why), `explain`
(the story of a decision), `purge` (forget people whose school years are closed)."""
