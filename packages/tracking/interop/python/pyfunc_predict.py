"""Loads a model with mlflow.pyfunc.load_model and predicts.

usage: pyfunc_predict.py <model_uri> <inputs.json> [tracking_uri]
inputs.json holds a 2-D list of floats (fed as float32 ndarray). Prints {"outputs": {name: list}}.
"""
import json
import sys

import mlflow
import numpy as np

if len(sys.argv) > 3:
    mlflow.set_tracking_uri(sys.argv[3])
model = mlflow.pyfunc.load_model(sys.argv[1])
rows = np.asarray(json.load(open(sys.argv[2])), dtype=np.float32)
out = model.predict(rows)
if isinstance(out, dict):
    result = {key: np.asarray(value).tolist() for key, value in out.items()}
else:
    result = {"": np.asarray(out).tolist()}
print(json.dumps({"outputs": result, "loader": model.metadata.flavors["python_function"]["loader_module"]}))
