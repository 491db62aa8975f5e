"""Writes rows as a Parquet file the way a client of `mlflow models serve` would, with pandas.

usage: write_parquet.py <out.parquet> <rows.json>
Columns are float32 and named c0, c1, ... (Parquet needs string column names). Prints JSON
{"rows": <row count>, "columns": [...]}.
"""
import json
import sys

import numpy as np
import pandas as pd

out_file, rows_file = sys.argv[1], sys.argv[2]
with open(rows_file) as handle:
    rows = json.load(handle)
frame = pd.DataFrame(np.asarray(rows, dtype=np.float32), columns=[f"c{i}" for i in range(len(rows[0]))])
frame.to_parquet(out_file)
print(json.dumps({"rows": len(frame), "columns": list(frame.columns)}))
